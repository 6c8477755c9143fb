import { languageOf, translator, type Language, type Message, type Translate } from "../../../shared/index.ts";
import { localeOf, parameterOf, type AddOnEvent } from "../event.ts";
import type { AddOnFlow } from "../flow.ts";
import { ACTIONS } from "../views/actions.ts";
import type { ViewContext } from "../views/common.ts";
import { problemCard } from "../views/problem-card.ts";
import { openSignInResponse, replaceCard } from "../views/responses.ts";
import { signInCard } from "../views/sign-in-card.ts";
import { canRetry, failureOf } from "./problems.ts";
import type { Services } from "./services.ts";

/** One card action: its language and the flow it belongs to (null when the cache has let it go). */
export interface Turn {
  language: Language;
  t: Translate;
  flowId: string;
  flow: AddOnFlow | null;
  view: ViewContext;
}

export function turnOf(s: Services, e: AddOnEvent, flowId = parameterOf(e, "flowId")): Turn {
  const language = languageOf(localeOf(e));
  const t = translator(language);
  return { language, t, flowId, flow: flowId ? s.flows.load(flowId) : null, view: { t, language, flowId, webView: s.webViewBase() || undefined } };
}

/** The flow is gone from the cache (six hours, or evicted): start again from what is open. */
export const expired = (turn: Turn) =>
  replaceCard(problemCard({ message: { key: "google.error.expired" }, retry: { name: ACTIONS.reopen }, retryLabel: "google.restart" }, turn.view));

/**
 * A failure before there is a flow to go back to: the message, and Retry opening where that can help; a Google
 * account no user answers to may sign in through the web view and link itself.
 */
export function openingProblem(s: Services, err: unknown, view: ViewContext) {
  const message: Message = failureOf(err, () => s.userEmail());
  if (message.key === "google.error.unknownUser") return signInCard(message, view);
  return problemCard({ message, retry: canRetry(message) ? { name: ACTIONS.reopen } : undefined }, view);
}

/** "Log ind": a link request for this Google account, opened in the web view over the add-on; Gmail reloads the add-on when it closes. */
export async function signIn(s: Services, e: AddOnEvent) {
  const view = turnOf(s, e, "").view;
  try {
    return openSignInResponse(await s.startSignIn());
  } catch (err) {
    const message = failureOf(err, () => s.userEmail());
    return replaceCard(problemCard({ message, retry: canRetry(message) ? { name: ACTIONS.reopen } : undefined }, view));
  }
}
