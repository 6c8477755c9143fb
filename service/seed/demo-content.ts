import type { ReferenceKind } from "../../shared/api/schemas/documents.ts";
import type { DemoDocumentType } from "./demo-directory.ts";

// The cases and documents of the product's screens (see PRODUCT.md), as data. Every file named here lies
// in ./files and is listed with its origin and licence in ./files/SOURCES.tsv.

export interface DemoFile {
  /** The file in ./files. */
  file: string;
  /** What the client called it when it was saved. */
  filename: string;
}

export interface DemoDocument extends DemoFile {
  title: string;
  type: DemoDocumentType;
  /** Who saves it; the case owner when not named. */
  by?: string;
  status?: "draft" | "final";
  /** A floating document's access group (filed documents follow their case). */
  accessGroup?: string;
  attachments?: DemoFile[];
  /** New content saved later as version 1.1. */
  nextVersion?: DemoFile & { comment: string };
  comments?: Array<{ by: string; body: string }>;
  /** Links to other demo documents, by title. */
  references?: Array<{ to: string; kind: ReferenceKind }>;
}

export interface DemoCase {
  title: string;
  template: string;
  owner: string;
  startDate: string;
  journalCode?: string;
  critical?: boolean;
  metadata: Record<string, unknown>;
  documents: DemoDocument[];
  /** Closed on this date after its documents are filed, so their disposal dates show. */
  closedOn?: string;
}

/** A file from ./files saved under the name a user would have given it. */
const content = (file: string, filename: string): DemoFile => ({ file, filename });

export const DEMO_CASES: DemoCase[] = [
  // Skolekontoret (Anne)
  {
    title: "Kurt Jensen",
    template: "Elevsag",
    owner: "anne",
    startDate: "2020-01-08",
    metadata: { elevnummer: "E-2020-014", klasse: "8.b", optaget: "2020-01-08" },
    documents: [
      { title: "Brev til forældre", type: "Korrespondance", ...content("da-brev-med-billede.odt", "Brev til forældre.odt") },
      { title: "Sundhedsoplysninger", type: "Elevdokument", status: "final", ...content("sundhedstermer.xlsx", "Sundhedsoplysninger.xlsx") },
    ],
  },
  {
    title: "Elev 3",
    template: "Elevsag",
    owner: "anne",
    startDate: "2019-10-11",
    metadata: { elevnummer: "E-2019-003", klasse: "1.a", optaget: "2019-08-12" },
    documents: [
      {
        title: "Optagelsesdokument",
        type: "Elev studievejledning",
        status: "draft",
        ...content("minimal-empty.docx", "Optagelsesdokument.docx"),
        attachments: [content("forside-styrelsen-for-it-og-laering.pdf", "Forside - Styrelsen for It og Læring.pdf")],
      },
    ],
  },
  {
    title: "Ansøgning",
    template: "Elevsag",
    owner: "anne",
    startDate: "2019-11-21",
    journalCode: "17.02.05",
    metadata: { elevnummer: "E-2019-117" },
    documents: [{ title: "Ansøgning om optagelse", type: "Ansøgning", ...content("Flere sider.docx", "Ansøgning om optagelse.docx") }],
  },
  {
    title: "Timelærer",
    template: "Personalesag",
    owner: "anne",
    startDate: "2019-09-18",
    metadata: { medarbejdernummer: "M-0411", stilling: "Timelærer", ansat: "2019-09-18" },
    documents: [
      { title: "Ansættelsesbrev", type: "Personaledokument", status: "final", ...content("da-brev-med-billede.odt", "Ansættelsesbrev.odt") },
      { title: "Timeregnskab 2023-24", type: "Personaledokument", ...content("malformed-hyperlink-uri.xlsx", "Timeregnskab 2023-24.xlsx") },
      { title: "Bekræftelse af fratræden", type: "Korrespondance", ...content("forwarded-rfc822-with-inline-image.eml", "Bekræftelse af fratræden.eml") },
    ],
    closedOn: "2024-06-28",
  },

  // Bestyrelsessekretariatet (Bent)
  {
    title: "Bibliotekerne",
    template: "Projektsag",
    owner: "bent",
    startDate: "2019-05-02",
    journalCode: "20.02.00",
    metadata: { ansoeger: "Bibliotekerne i Nordjylland", beloeb: 250000, fase: "1. vurdering" },
    documents: [],
  },
  {
    title: "Dansk historiske samling",
    template: "Projektsag",
    owner: "bent",
    startDate: "2019-03-14",
    journalCode: "20.05.00",
    metadata: { ansoeger: "Dansk historiske samling", beloeb: 120000, fase: "Bevilget", bevilget: true },
    documents: [],
  },
  {
    title: "Designmuseum Nordjylland",
    template: "Projektsag",
    owner: "bent",
    startDate: "2019-08-20",
    journalCode: "20.05.00",
    metadata: { ansoeger: "Designmuseum Nordjylland", beloeb: 480000, fase: "Ansøgning modtaget" },
    documents: [
      {
        title: "Mail med inline billede og vedhæftet fil",
        type: "Korrespondance",
        ...content("da-gmail-inline-image-and-attached-odt.eml", "Mail med inline billede og vedhæftet fil.eml"),
      },
      {
        title: "Ansøgning modtaget",
        type: "Korrespondance",
        ...content("unquoted-filename-with-spaces.eml", "Ansøgning modtaget.eml"),
        nextVersion: { ...content("forwarded-rfc822-with-inline-image.eml", "Ansøgning modtaget.eml"), comment: "Gemt igen med den videresendte ansøgning" },
        comments: [{ by: "bent", body: "Kvittering sendt. Ansøgningen tages op til 1. vurdering på næste møde." }],
        references: [{ to: "Mail med inline billede og vedhæftet fil", kind: "reply_to" }],
      },
    ],
  },
  {
    title: "Foreningen Glade Børn",
    template: "Projektsag",
    owner: "bent",
    startDate: "2019-06-03",
    metadata: { ansoeger: "Foreningen Glade Børn", beloeb: 75000, fase: "Afrapportering", bevilget: true },
    documents: [],
  },
  {
    title: "Eventyrets dag",
    template: "Projektsag",
    owner: "bent",
    startDate: "2019-04-01",
    critical: true,
    metadata: { ansoeger: "Eventyrets dag", beloeb: 350000, fase: "Indstillet" },
    documents: [
      { title: "Indstillingsnotat", type: "Notat", ...content("Flere sider.docx", "Indstillingsnotat.docx") },
      { title: "Budgetark", type: "Budget og regnskab", ...content("spreadsheet-basic.xlsx", "Budgetark.xlsx") },
    ],
  },
  {
    title: "Ungø til søs",
    template: "Projektsag",
    owner: "bent",
    startDate: "2019-02-11",
    critical: true,
    metadata: { ansoeger: "Ungø Sejlklub", beloeb: 600000, fase: "Afrapportering", bevilget: true },
    documents: [{ title: "Budget kontrol - juni 2019", type: "Budget og regnskab", ...content("bad-docprops.docx", "Budget kontrol - juni 2019.docx") }],
  },

  // Samarbejdsforum: shared with the external partner (Eva)
  {
    title: "M/S August Jensen",
    template: "Samarbejdssag",
    owner: "bent",
    startDate: "2019-09-02",
    metadata: { partner: "Skibsbevaringsfonden", fase: "Bevilget" },
    documents: [{ title: "Budget for istandsættelse", type: "Budget og regnskab", ...content("spreadsheet-basic.xlsx", "Budget for istandsættelse.xlsx") }],
  },
  {
    title: "Naturgenopretning",
    template: "Samarbejdssag",
    owner: "bent",
    startDate: "2019-01-15",
    critical: true,
    metadata: { partner: "Naturfonden Nord", fase: "Afrapportering" },
    documents: [
      {
        title: "Projektafslutningsnotat",
        type: "Notat",
        status: "final",
        ...content("complex-word-with-images-850kb.docx", "Projektafslutningsnotat.docx"),
        comments: [{ by: "eva", body: "Ser fint ud. Jeg har ingen bemærkninger til afrapporteringen." }],
      },
    ],
  },
  {
    title: "Bestyrelsesmøder 2019",
    template: "Bestyrelsessag",
    owner: "bent",
    startDate: "2019-01-01",
    metadata: { moededato: "2019-06-12" },
    documents: [
      {
        title: "Referat af bestyrelsesmøde 12. juni 2019",
        type: "Bestyrelsesreferat",
        status: "final",
        ...content("bad-docprops.docx", "Referat bestyrelsesmøde 2019-06-12.docx"),
      },
    ],
  },
];

/** Uploaded but not yet filed in a case. */
export const DEMO_FLOATING: Array<DemoDocument & { by: string }> = [
  {
    title: "Skema fra sundhedsplejen",
    type: "Elevdokument",
    by: "anne",
    accessGroup: "Elevsager",
    ...content("Sundhedsjournal.doc", "Skema fra sundhedsplejen.doc"),
  },
  {
    title: "Præsentation til bestyrelsen",
    type: "Notat",
    by: "bent",
    accessGroup: "Projekter og fonde",
    ...content("presentation-1mb.pptx", "Præsentation til bestyrelsen.pptx"),
  },
  { title: "Invitation: statusmøde", type: "Korrespondance", by: "bent", ...content("google-meet-calendar-invite.eml", "Invitation - statusmøde.eml") },
];
