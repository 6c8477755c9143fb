import { expect } from "chai";
import type { CaseSummary, CaseTemplate, DocumentType } from "../../shared/api/types.ts";
import type { Capture } from "../../shared/flow/state.ts";
import {
  allowedTypes,
  back,
  chooseAttachment,
  chooseCase,
  chooseFloating,
  chooseNewVersion,
  chooseType,
  editMetadata,
  failed,
  initialState,
  saveAnother,
  withQuery,
  withReferenceData,
  withSuggestions,
} from "../../shared/flow/transitions.ts";
import { validateFields, validateForSave } from "../../shared/flow/validation.ts";
import { da, en } from "../../shared/i18n/messages.ts";
import { languageOf, translator } from "../../shared/i18n/index.ts";

const type = (id: string, name: string): DocumentType => ({
  id,
  name,
  category: name,
  accessGroupId: null,
  active: true,
  retention: {
    id: "r",
    name: "r",
    kind: "after_case_closed",
    years: 5,
    da: "kasseres 5 år efter sagens afslutning",
    en: "disposed of 5 years after the case is closed",
  },
});
const types = [type("t1", "Elevdokument"), type("t2", "Brev"), type("t3", "Bestyrelsesreferat")];
const templates: CaseTemplate[] = [
  { id: "pupil", name: "Elevsag", accessGroupId: "g", journalCode: "17.01.00", fields: [], documentTypeIds: ["t1", "t2"], active: true },
  { id: "open", name: "Åben", accessGroupId: "g", journalCode: "17.01.00", fields: [], documentTypeIds: [], active: true },
  { id: "single", name: "Én type", accessGroupId: "g", journalCode: "17.01.00", fields: [], documentTypeIds: ["t3"], active: true },
];
const aCase = (id: string, templateId: string): CaseSummary => ({
  id,
  number: "20200108-1459092",
  title: "Kurt Jensen",
  status: "active",
  startDate: "2020-01-08",
  endDate: null,
  ownerId: "u",
  responsibleId: null,
  templateId,
  journalCode: "17.01.00",
  accessGroupId: "g",
  critical: false,
  metadata: {},
  createdAt: "2020-01-08T00:00:00Z",
  createdBy: "u",
  changedAt: "2020-01-08T00:00:00Z",
  changedBy: "u",
  etag: '"r0"',
});
const mail: Capture = {
  kind: "mail",
  title: "  Ansøgning om optagelse  ",
  filename: "Ansøgning.eml",
  mediaType: "message/rfc822",
  mail: {
    subject: "Ansøgning om optagelse",
    from: "mor@example.dk",
    to: ["skole@example.dk"],
    cc: [],
    references: [],
    date: "2019-09-09T10:00:00Z",
    messageId: "<a@b>",
  },
  attachments: [
    { id: "a1", filename: "bilag.pdf", mediaType: "application/pdf", size: 10, inline: false },
    { id: "a2", filename: "logo.png", mediaType: "image/png", size: 10, inline: true },
  ],
  pdfAvailable: false,
};

function ready() {
  return withReferenceData(initialState(mail, "key-1", new Date("2026-11-27T12:00:00Z")), {
    templates,
    documentTypes: types,
    recent: [],
    proposal: null,
    alreadyFiled: null,
    existing: null,
  });
}

describe("the shared save flow", () => {
  it("starts at the case step with the mail's subject as title and its date as document date", () => {
    const s = ready();
    expect(s.step).to.equal("case");
    expect(s.title).to.equal("Ansøgning om optagelse");
    expect(s.documentDate).to.equal("2019-09-09");
  });

  it("keeps real attachments with the mail and skips inline images by default", () => {
    const s = ready();
    expect(s.attachmentChoices).to.deep.equal({ a1: "attachment", a2: "skip" });
    expect(chooseAttachment(s, "a1", "document").attachmentChoices.a1).to.equal("document");
  });

  it("limits document types to the case template's allowed types", () => {
    const s = chooseCase(ready(), aCase("c1", "pupil"));
    expect(s.step).to.equal("type");
    expect(allowedTypes(s).map((t) => t.id)).to.deep.equal(["t1", "t2"]);
    expect(chooseType(s, "t3").documentTypeId).to.equal(null);
    expect(chooseType(s, "t2").step).to.equal("metadata");
  });

  it("offers every active type for a template without a list and for floating documents", () => {
    expect(allowedTypes(chooseCase(ready(), aCase("c1", "open")))).to.have.length(3);
    expect(allowedTypes(chooseFloating(ready()))).to.have.length(3);
  });

  it("picks the only allowed type by itself and drops a type the new case does not allow", () => {
    expect(chooseCase(ready(), aCase("c1", "single")).documentTypeId).to.equal("t3");
    const typed = chooseType(chooseFloating(ready()), "t3");
    expect(chooseCase(typed, aCase("c1", "pupil")).documentTypeId).to.equal(null);
  });

  it("ignores suggestions that answer an older query", () => {
    const s = withQuery(ready(), "kurt j");
    expect(withSuggestions(s, "kurt", [aCase("c1", "pupil")]).suggestions).to.have.length(0);
    expect(withSuggestions(s, "kurt j", [aCase("c1", "pupil")]).suggestions).to.have.length(1);
  });

  it("refuses to save without a case choice, a type or a title, with readable messages", () => {
    const t = translator("da");
    const s = editMetadata(ready(), { title: "   " });
    const errors = validateForSave(s, (k) => t(k));
    expect(Object.keys(errors).sort()).to.deep.equal(["documentTypeId", "target", "title"]);
    expect(t(errors.title.key, errors.title.params)).to.equal("Titel skal udfyldes");
    const okay = chooseType(chooseCase(ready(), aCase("c1", "pupil")), "t1");
    expect(validateForSave(okay, (k) => t(k))).to.deep.equal({});
    expect(validateForSave(editMetadata(okay, { documentDate: "2019-02-30" }), (k) => t(k))).to.have.property("documentDate");
  });

  it("goes back step by step and keeps choices", () => {
    const s = chooseType(chooseCase(ready(), aCase("c1", "pupil")), "t1");
    expect(back(s).step).to.equal("type");
    expect(back(back(s)).step).to.equal("case");
    expect(back(back(s)).documentTypeId).to.equal("t1");
  });

  it("a failed save returns to the details with the same idempotency key; save another renews it", () => {
    const s = chooseType(chooseCase(ready(), aCase("c1", "pupil")), "t1");
    const f = failed(s, { key: "error.network" });
    expect(f.step).to.equal("metadata");
    expect(f.idempotencyKey).to.equal("key-1");
    const again = saveAnother(f, "key-2");
    expect(again.idempotencyKey).to.equal("key-2");
    expect(again.step).to.equal("case");
    expect(again.templates).to.have.length(3);
  });

  it("offers a new version when the file came from IMS Case", () => {
    const doc: Capture = {
      kind: "document",
      title: "Budget",
      filename: "Budget.docx",
      mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      attachments: [],
      pdfAvailable: true,
      existingDocumentId: "d1",
    };
    const s = initialState(doc, "k");
    expect(s.asNewVersion).to.equal(true);
    expect(chooseNewVersion(s, false).asNewVersion).to.equal(false);
    expect(chooseNewVersion(s, true).step).to.equal("metadata");
    // A new version keeps its document's title, so the title is not asked for.
    const t = translator("da");
    expect(validateForSave(editMetadata(s, { title: "" }), (k) => t(k))).to.deep.equal({});
  });

  it("a file whose document is gone, or no longer visible to the user, is saved as a new document", () => {
    const doc: Capture = {
      kind: "document",
      title: "Budget",
      filename: "Budget.docx",
      mediaType: "x",
      attachments: [],
      pdfAvailable: true,
      existingDocumentId: "d1",
    };
    const known = { templates, documentTypes: types, recent: [], proposal: null, alreadyFiled: null };
    expect(withReferenceData(initialState(doc, "k"), { ...known, existing: { title: "Budget", version: "1.2", caseLabel: null } }).asNewVersion).to.equal(true);
    expect(withReferenceData(initialState(doc, "k"), { ...known, existing: null }).asNewVersion).to.equal(false);
  });

  it("validates a template's custom fields as typed", () => {
    const fields = [
      { name: "elevnummer", label: "Elevnummer", type: "text" as const, required: true },
      { name: "antal", label: "Antal", type: "number" as const, required: false },
      { name: "optaget", label: "Optaget", type: "date" as const, required: false },
      { name: "klasse", label: "Klasse", type: "choice" as const, required: false, options: ["0.a", "1.a"] },
    ];
    const bad = validateFields(fields, { antal: "mange", optaget: "9/9-2019", klasse: "7.x" });
    expect(Object.keys(bad.errors).sort()).to.deep.equal(["antal", "elevnummer", "klasse", "optaget"]);
    const good = validateFields(fields, { elevnummer: "E-1", antal: "2,5", optaget: "2019-09-09", klasse: "1.a" });
    expect(good.errors).to.deep.equal({});
    expect(good.values).to.deep.equal({ elevnummer: "E-1", antal: 2.5, optaget: "2019-09-09", klasse: "1.a" });
  });
});

describe("texts", () => {
  it("every message exists in Danish and English with the same placeholders", () => {
    for (const key of Object.keys(da) as Array<keyof typeof da>) {
      expect(en[key], key).to.be.a("string").and.not.equal("");
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(en[key]), key).to.deep.equal(ph(da[key]));
    }
  });

  it("follows the display language: Danish for Danish and Nordic locales, English otherwise", () => {
    expect(languageOf("da-DK")).to.equal("da");
    expect(languageOf("nb-NO")).to.equal("da");
    expect(languageOf("en-GB")).to.equal("en");
    expect(languageOf("de-DE")).to.equal("en");
    expect(translator("en")("save.done", { case: "20200108-1459092 Kurt Jensen" })).to.equal("Saved in 20200108-1459092 Kurt Jensen");
  });
});
