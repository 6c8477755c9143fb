import { ACTIONS } from "./actions.ts";
import { button, escapeHtml, header, paragraph, type ViewContext } from "./common.ts";

/** Gmail's homepage, with no message open. */
export function gmailHomeCard(v: ViewContext): GoogleAppsScript.Card_Service.Card {
  return CardService.newCardBuilder()
    .setName("home")
    .setHeader(header(v.t("app.title")))
    .addSection(CardService.newCardSection().addWidget(paragraph(escapeHtml(v.t("google.home.gmail")))))
    .build();
}

/** Docs, Sheets or Slides before the user has let the add-on at the open file (drive.file). */
export function fileScopeCard(v: ViewContext): GoogleAppsScript.Card_Service.Card {
  return CardService.newCardBuilder()
    .setName("file-scope")
    .setHeader(header(v.t("app.title")))
    .addSection(
      CardService.newCardSection()
        .addWidget(paragraph(escapeHtml(v.t("google.fileScope.text"))))
        .addWidget(CardService.newButtonSet().addButton(button(v.t("google.fileScope.button"), { name: ACTIONS.requestFileScope }, true))),
    )
    .build();
}
