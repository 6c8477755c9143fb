import type { AddOnFlow } from "../flow.ts";
import { ACTIONS } from "./actions.ts";
import { button, escapeHtml, flowAction, header, linkButton, paragraph, webViewLink, type ViewContext } from "./common.ts";
import { partiesSections } from "./parties.ts";

/** After saving: the case and the document, what was attached, and "save another". */
export function resultCard(flow: AddOnFlow, v: ViewContext): GoogleAppsScript.Card_Service.Card {
  const result = flow.state.result!;
  const doc = result.document;
  const section = CardService.newCardSection()
    .addWidget(paragraph(`<b>${escapeHtml(result.caseLabel ? v.t("save.done", { case: result.caseLabel }) : v.t("save.done.floating"))}</b>`))
    .addWidget(
      CardService.newDecoratedText()
        .setText(escapeHtml(v.t("save.done.document", { title: doc.title, version: doc.currentVersion.version })))
        .setBottomLabel(`${doc.documentType.name} · ${doc.status === "final" ? v.t("meta.status.final") : v.t("meta.status.draft")}`)
        .setWrapText(true),
    );
  if (doc.attachments.length)
    section.addWidget(paragraph(escapeHtml(v.t("google.saved.attachments", { names: doc.attachments.map((a) => a.title).join(", ") }))));
  if (result.separate.length) section.addWidget(paragraph(escapeHtml(v.t("google.saved.separate", { names: result.separate.map((d) => d.title).join(", ") }))));
  const buttons = CardService.newButtonSet().addButton(button(v.t("save.another"), flowAction(v, ACTIONS.saveAnother)));
  const open = webViewLink(v, { caseNumber: doc.case?.number, documentId: doc.id });
  if (open) buttons.addButton(linkButton(v.t("save.open"), open));
  section.addWidget(buttons);
  const card = CardService.newCardBuilder()
    .setName("done")
    .setHeader(header(v.t("app.title"), flow.state.capture.title))
    .addSection(section);
  for (const parties of partiesSections(flow, v)) card.addSection(parties);
  return card.build();
}
