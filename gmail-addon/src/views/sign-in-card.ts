import type { Language, Message } from "../../../shared/index.ts";
import { ACTIONS } from "./actions.ts";
import { button, escapeHtml, header, paragraph, say, type ViewContext } from "./common.ts";

// A Google account no IMS Case user answers to: the person may have a user with another address, and link this
// Google account to it through the web view's sign-in. The add-on's own texts here; the rest are shared.

const TEXTS: Record<Language, { explain: string; signIn: string }> = {
  da: {
    explain: "Har du en bruger i IMS Case med en anden e-mailadresse? Log ind i IMS Case, og forbind denne Google-konto med din bruger.",
    signIn: "Log ind",
  },
  en: {
    explain: "Do you have an IMS Case user with another e-mail address? Sign in to IMS Case and connect this Google account to your user.",
    signIn: "Sign in",
  },
};

/** Why the add-on has no access (the shared message naming the address), and "Log ind" to link the account. */
export function signInCard(message: Message, v: ViewContext): GoogleAppsScript.Card_Service.Card {
  const texts = TEXTS[v.language];
  const section = CardService.newCardSection()
    .addWidget(paragraph(escapeHtml(say(v, message))))
    .addWidget(paragraph(escapeHtml(texts.explain)))
    .addWidget(CardService.newButtonSet().addButton(button(texts.signIn, { name: ACTIONS.signIn }, true)));
  return CardService.newCardBuilder()
    .setName("sign-in")
    .setHeader(header(v.t("google.error.unknownUser.title")))
    .addSection(section)
    .build();
}
