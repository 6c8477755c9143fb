import { initialState, languageOf, loadStart, translator, type Capture } from "../../../shared/index.ts";
import { editorFileOf, hostOf, localeOf, type AddOnEvent } from "../event.ts";
import { fileCapture, type FileOrigin, type Origin } from "../flow.ts";
import { caseCard } from "../views/case-card.ts";
import type { ViewContext } from "../views/common.ts";
import { replaceCard } from "../views/responses.ts";
import { fileScopeCard, gmailHomeCard } from "../views/start-cards.ts";
import type { Services } from "./services.ts";
import { openingProblem } from "./turn.ts";

type Card = GoogleAppsScript.Card_Service.Card;

const viewFor = (s: Services, e: AddOnEvent, flowId = ""): ViewContext => {
  const language = languageOf(localeOf(e));
  return { t: translator(language), language, flowId, webView: s.webViewBase() || undefined };
};

/** A new flow for what was captured: reference data, recent cases and the proposal loaded, case card shown. */
async function startFlow(s: Services, e: AddOnEvent, capture: () => { capture: Capture; origin: Origin }): Promise<Card> {
  const view = viewFor(s, e, s.newId());
  try {
    const captured = capture();
    const state = await loadStart(s.client(), initialState(captured.capture, s.newId(), s.now()));
    const flow = { origin: captured.origin, state };
    s.flows.save(view.flowId, flow);
    return caseCard(flow, view);
  } catch (err) {
    return openingProblem(s, err, view);
  }
}

/** Gmail's contextual trigger: a message is open. */
export function openMessage(s: Services, e: AddOnEvent): Promise<Card> {
  return startFlow(s, e, () => s.mail.describe(e));
}

/** Docs, Sheets or Slides: the open file once the add-on may read it, else the request for that. */
export async function openFile(s: Services, e: AddOnEvent): Promise<Card> {
  const file = editorFileOf(e);
  if (!file) return fileScopeCard(viewFor(s, e));
  const origin: FileOrigin = { host: file.host, fileId: file.id, title: file.title, format: "native" };
  return startFlow(s, e, () => ({ capture: fileCapture(origin), origin }));
}

/** The common homepage: Gmail with no message open, or an editor. */
export async function openHome(s: Services, e: AddOnEvent): Promise<Card> {
  if (hostOf(e) !== "gmail") return openFile(s, e);
  return e.gmail?.messageId ? openMessage(s, e) : gmailHomeCard(viewFor(s, e));
}

/** Retry after a failed start, or start again after the flow expired. */
export async function reopen(s: Services, e: AddOnEvent) {
  return replaceCard(await openHome(s, e));
}
