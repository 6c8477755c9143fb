import { chooseAttachment, chooseType, editMetadata } from "../../../shared/index.ts";
import { dateInput, stringInput, stringInputs, type AddOnEvent } from "../event.ts";
import { withExportFormat, type AddOnFlow, type ExportFormat } from "../flow.ts";

/** What the details card's inputs hold when one of its actions runs. */
export interface DetailsForm {
  documentTypeId: string;
  title: string;
  status: "draft" | "final";
  documentDate: string;
  comment: string;
  /** Ids of the ticked attachments. */
  attachments: string[];
  savePdf: boolean;
  format: ExportFormat | null;
}

// Google leaves out inputs that are empty or unticked, so absent means empty here.
export function detailsFormOf(e: AddOnEvent): DetailsForm {
  const format = stringInput(e, "format");
  return {
    documentTypeId: stringInput(e, "documentTypeId"),
    title: stringInput(e, "title"),
    status: stringInput(e, "status") === "final" ? "final" : "draft",
    documentDate: dateInput(e, "documentDate"),
    comment: stringInput(e, "comment"),
    attachments: stringInputs(e, "attachments"),
    savePdf: stringInputs(e, "savePdf").includes("true"),
    format: format === "pdf" || format === "native" ? format : null,
  };
}

/** The details card's inputs applied to the flow with the shared transitions. */
export function applyDetailsForm(flow: AddOnFlow, form: DetailsForm): AddOnFlow {
  const next = form.format ? withExportFormat(flow, form.format) : flow;
  let state = next.state;
  if (form.documentTypeId && form.documentTypeId !== state.documentTypeId) state = chooseType(state, form.documentTypeId);
  state = editMetadata(state, {
    title: form.title,
    status: form.status,
    documentDate: form.documentDate,
    comment: form.comment,
    savePdf: state.capture.pdfAvailable && form.savePdf,
  });
  for (const a of state.capture.attachments) {
    const was = state.attachmentChoices[a.id];
    const ticked = form.attachments.includes(a.id);
    state = chooseAttachment(state, a.id, ticked ? (was && was !== "skip" ? was : "attachment") : "skip");
  }
  return { ...next, state };
}
