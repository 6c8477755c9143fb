import type { Language, Message, Translate } from "../../../shared/index.ts";
import type { ActionRef } from "./actions.ts";

// Small builders shared by the cards. Cards are built with CardService, Apps Script's own (pure) builder
// API; views read nothing else.

/** What every view needs besides the state: the texts, and the flow the card's actions belong to. */
export interface ViewContext {
  t: Translate;
  language: Language;
  flowId: string;
  /** The web view's address, for links to cases and documents; none when not configured. */
  webView?: string;
}

export const ERROR_COLOUR = "#b3261e";
export const DETAIL_COLOUR = "#5f6368";

/** Paragraphs and decorated texts are a small HTML subset: anything from users or the archive is escaped there (headers and labels are plain text). */
export const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export const say = (v: ViewContext, message: Message): string => v.t(message.key, message.params);

export function action(ref: ActionRef): GoogleAppsScript.Card_Service.Action {
  return CardService.newAction()
    .setFunctionName(ref.name)
    .setParameters(ref.params ?? {})
    .setLoadIndicator(CardService.LoadIndicator.SPINNER);
}

export const flowAction = (v: ViewContext, name: ActionRef["name"], params: Record<string, string> = {}): ActionRef => ({
  name,
  params: { flowId: v.flowId, ...params },
});

export function button(text: string, ref: ActionRef, filled = false): GoogleAppsScript.Card_Service.TextButton {
  const b = CardService.newTextButton().setText(text).setOnClickAction(action(ref));
  return filled ? b.setTextButtonStyle(CardService.TextButtonStyle.FILLED) : b;
}

export const paragraph = (html: string): GoogleAppsScript.Card_Service.TextParagraph => CardService.newTextParagraph().setText(html);

/** A message in the error colour, e.g. a field's validation message. */
export const problemText = (v: ViewContext, message: Message): GoogleAppsScript.Card_Service.TextParagraph =>
  paragraph(`<font color="${ERROR_COLOUR}">${escapeHtml(say(v, message))}</font>`);

/** The service's own sentence behind a failure, in grey under its message; null when it has none. */
export const detailText = (v: ViewContext, message: Message): GoogleAppsScript.Card_Service.TextParagraph | null =>
  message.detail ? paragraph(`<font color="${DETAIL_COLOUR}">${escapeHtml(v.t("error.detail", { detail: message.detail }))}</font>`) : null;

/** A failure at the top of a step's card: the message in the error colour, its details under it. */
export function failureSection(v: ViewContext, message: Message): GoogleAppsScript.Card_Service.CardSection {
  const section = CardService.newCardSection().addWidget(problemText(v, message));
  const detail = detailText(v, message);
  return detail ? section.addWidget(detail) : section;
}

/** A button that opens a page of the web view in a new tab (a case, a document). */
export function linkButton(text: string, url: string): GoogleAppsScript.Card_Service.TextButton {
  return CardService.newTextButton()
    .setText(text)
    .setOpenLink(CardService.newOpenLink().setUrl(url).setOpenAs(CardService.OpenAs.FULL_SIZE).setOnClose(CardService.OnClose.NOTHING));
}

/** Where a saved document is in the web view: its case by number, else the document itself. */
export function webViewLink(v: ViewContext, target: { caseNumber?: string | null; documentId: string }): string | null {
  if (!v.webView) return null;
  return target.caseNumber ? `${v.webView}/sager/${encodeURIComponent(target.caseNumber)}` : `${v.webView}/dokumenter/${encodeURIComponent(target.documentId)}`;
}

export const header = (title: string, subtitle?: string): GoogleAppsScript.Card_Service.CardHeader => {
  const h = CardService.newCardHeader().setTitle(title);
  return subtitle ? h.setSubtitle(subtitle) : h;
};
