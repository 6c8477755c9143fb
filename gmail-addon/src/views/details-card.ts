import { allowedTypes, caseLabel, selectedType, type FlowState } from "../../../shared/index.ts";
import { FILE_FORMATS, PDF_FORMAT, type AddOnFlow } from "../flow.ts";
import { ACTIONS } from "./actions.ts";
import { action, button, escapeHtml, failureSection, flowAction, header, problemText, type ViewContext } from "./common.ts";

type Section = GoogleAppsScript.Card_Service.CardSection;

const msOfDate = (isoDate: string): number | null => {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
};

function targetSection(s: FlowState, v: ViewContext): Section {
  const where = s.target?.kind === "case" ? caseLabel(s.target.case) : v.t("case.floating");
  return CardService.newCardSection().addWidget(
    CardService.newDecoratedText()
      .setTopLabel(v.t("step.case"))
      .setText(escapeHtml(where))
      .setWrapText(true)
      .setButton(button(v.t("nav.change"), flowAction(v, ACTIONS.changeCase))),
  );
}

/** The dropdown of the types allowed where the document goes, and what the chosen one implies. */
function typeSection(s: FlowState, v: ViewContext): Section {
  const section = CardService.newCardSection().setHeader(v.t("step.type"));
  const types = allowedTypes(s);
  if (types.length === 0) return section.addWidget(problemText(v, { key: "type.none" }));
  const dropdown = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName("documentTypeId")
    .setTitle(v.t("type.label"))
    .setOnChangeAction(action(flowAction(v, ACTIONS.detailsChanged)));
  const chosen = selectedType(s);
  if (!chosen) dropdown.addItem(v.t("google.type.placeholder"), "", true);
  for (const t of types) dropdown.addItem(t.name, t.id, t.id === chosen?.id);
  section.addWidget(dropdown);
  if (s.errors.documentTypeId) section.addWidget(problemText(v, s.errors.documentTypeId));
  if (chosen) {
    section
      .addWidget(CardService.newDecoratedText().setTopLabel(v.t("type.retention")).setText(escapeHtml(chosen.retention[v.language])).setWrapText(true))
      .addWidget(CardService.newDecoratedText().setTopLabel(v.t("type.category")).setText(escapeHtml(chosen.category)).setWrapText(true));
  }
  return section;
}

/** For a Google file: its Office format or PDF, and a PDF copy alongside the Office file. */
function formatSection(flow: AddOnFlow, v: ViewContext): Section | null {
  if (flow.origin.host === "gmail") return null;
  const native = FILE_FORMATS[flow.origin.host];
  const section = CardService.newCardSection().addWidget(
    CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.RADIO_BUTTON)
      .setFieldName("format")
      .setTitle(v.t("google.format.label"))
      .addItem(v.t(native.label), "native", flow.origin.format === "native")
      .addItem(v.t(PDF_FORMAT.label), "pdf", flow.origin.format === "pdf")
      .setOnChangeAction(action(flowAction(v, ACTIONS.detailsChanged))),
  );
  if (flow.state.capture.pdfAvailable) {
    section.addWidget(
      CardService.newSelectionInput()
        .setType(CardService.SelectionInputType.CHECK_BOX)
        .setFieldName("savePdf")
        .addItem(v.t("meta.pdf"), "true", flow.state.savePdf),
    );
  }
  return section;
}

function metadataSection(s: FlowState, v: ViewContext): Section {
  const section = CardService.newCardSection().setHeader(v.t("step.metadata"));
  section.addWidget(CardService.newTextInput().setFieldName("title").setTitle(v.t("meta.title")).setValue(s.title));
  if (s.errors.title) section.addWidget(problemText(v, s.errors.title));
  section.addWidget(
    CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.RADIO_BUTTON)
      .setFieldName("status")
      .setTitle(v.t("meta.status"))
      .addItem(v.t("meta.status.draft"), "draft", s.status === "draft")
      .addItem(v.t("meta.status.final"), "final", s.status === "final"),
  );
  const date = CardService.newDatePicker().setFieldName("documentDate").setTitle(v.t("meta.documentDate"));
  const ms = msOfDate(s.documentDate);
  section.addWidget(ms === null ? date : date.setValueInMsSinceEpoch(ms));
  if (s.errors.documentDate) section.addWidget(problemText(v, s.errors.documentDate));
  section.addWidget(CardService.newTextInput().setFieldName("comment").setTitle(v.t("meta.comment")).setMultiline(true).setValue(s.comment));
  const mail = s.capture.mail;
  if (mail?.from) section.addWidget(CardService.newDecoratedText().setTopLabel(v.t("meta.from")).setText(escapeHtml(mail.from)).setWrapText(true));
  return section;
}

/** The mail's attachments as checkboxes: real attachments ticked, inline images not (they are in the mail). */
function attachmentsSection(s: FlowState, v: ViewContext): Section | null {
  if (s.capture.attachments.length === 0) return null;
  const boxes = CardService.newSelectionInput().setType(CardService.SelectionInputType.CHECK_BOX).setFieldName("attachments").setTitle(v.t("meta.attachments"));
  for (const a of s.capture.attachments) {
    const name = a.inline ? v.t("google.attachment.inline", { name: a.filename }) : a.filename;
    boxes.addItem(name, a.id, (s.attachmentChoices[a.id] ?? "skip") !== "skip");
  }
  return CardService.newCardSection().addWidget(boxes);
}

/** Where the document goes, its type and details, and Save. */
export function detailsCard(flow: AddOnFlow, v: ViewContext): GoogleAppsScript.Card_Service.Card {
  const s = flow.state;
  const card = CardService.newCardBuilder()
    .setName("details")
    .setHeader(header(v.t("app.title"), s.capture.title));
  if (s.failure) card.addSection(failureSection(v, s.failure));
  card.addSection(targetSection(s, v)).addSection(typeSection(s, v));
  const format = formatSection(flow, v);
  if (format) card.addSection(format);
  card.addSection(metadataSection(s, v));
  const attachments = attachmentsSection(s, v);
  if (attachments) card.addSection(attachments);
  if (s.errors.target) card.addSection(CardService.newCardSection().addWidget(problemText(v, s.errors.target)));
  return card.setFixedFooter(CardService.newFixedFooter().setPrimaryButton(button(v.t("save.button"), flowAction(v, ACTIONS.save), true))).build();
}
