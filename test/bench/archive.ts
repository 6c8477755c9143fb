import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { loadConfig } from "../../service/config.ts";
import { diskBlobStore } from "../../service/blobs/blob-store.ts";
import { openSqlite } from "../../service/db/dialect.ts";
import { migrateToLatest } from "../../service/db/migrate.ts";
import { titleWords } from "../../service/features/cases/case-words.ts";
import { disposalDate, type RetentionRule } from "../../service/features/retention/retention.ts";
import { BACKFILL_TEXT_JOB } from "../../service/features/search/extraction.ts";
import { openDataDir } from "../support/child-service.ts";
import { ADMIN_TOKEN } from "../support/service.ts";
import { givePassword, PASSWORD } from "../support/web.ts";
import { buildWorld } from "../support/world.ts";
import { buildOrganisation, SCHOOLS, type BenchWorld } from "./archive-organisation.ts";
import { buildSearchIndex, type SearchFacts } from "./archive-search.ts";
import { random, textWriters, wordsOfTitles, type KindKey, type TextRequest, type TypeKey, type WrittenTexts } from "./archive-text.ts";

// The bench archive: 100,000 cases and 1,000,000 documents (with versions, their blobs and their text:
// archive-text.ts) of a municipality's school administration (archive-organisation.ts: 200 users, 51 access
// groups), written through the real migrations and straight into the SQLite file, its search index built by
// the service's own indexer (archive-search.ts). The web view's benchmarks list from it and the search
// benchmarks search it. Generating takes a while, so the result is kept under os.tmpdir(), keyed by the
// newest migration and GENERATOR_VERSION, and reused by the next run; `benchArchive()` hands out a fresh
// copy each time, because a running service writes into its archive.

/** Raise when the generated data changes, so a cached archive of the old shape is not reused. */
export const GENERATOR_VERSION = 4;

export interface ArchiveSize {
  cases: number;
  documents: number;
  /** Tasks on cases and documents, and notifications to the people who follow cases. */
  tasks: number;
  notifications: number;
}
export const BENCH_ARCHIVE_SIZE: ArchiveSize = { cases: 100_000, documents: 1_000_000, tasks: 200_000, notifications: 1_000_000 };

/** The last moment of the archive: every case and document was created and changed before it. */
export const ARCHIVE_NOW = Date.UTC(2026, 10, 30, 16, 0);
const ARCHIVE_START = Date.UTC(2016, 0, 4, 8, 0);

// ---- the words the archive is written in (exported: the search bench picks its queries from them)

export const FIRST_NAMES =
  "Anna Mads Sofie Jonas Ida Oliver Freja Lucas Emma Noah Clara Søren Åse Mathilde Victor Karla William Alma Magnus Ella Frederik Laura Emil Agnes Malthe Asta Oscar Liva".split(
    " ",
  );
export const LAST_NAMES =
  "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Madsen Kristensen Olsen Thomsen Poulsen Johansen Møller Mortensen Østergaard Frandsen".split(
    " ",
  );
export const MONTHS = "januar februar marts april maj juni juli august september oktober november december".split(" ");
const BUILDINGS = "Hovedbygningen; Gymnastiksalen; Pavillon B; Faglokalefløjen; SFO-huset; Kantinen; Cykelkælderen".split("; ");
const PLACES = "Moesgaard; Den Gamle By; Kattegatcentret; Skagen; Mols Bjerge; Zoologisk Have; Experimentarium".split("; ");
const SUPPLIERS = "Lyreco; Alinea; Gyldendal; Rambøll; Arriva; Dansk Skoleinventar; Eltel".split("; ");
const CRITICAL_TITLES = "Eventyrets dag; Ungø til søs; Naturgenopretning; Skimmelsvamp i Pavillon B; Tilsyn fra Arbejdstilsynet".split("; ");

/** One kind of case: its template, who sees it, how it is titled and which documents it holds. */
interface CaseKind {
  key: KindKey;
  share: number;
  caseTitle(r: Rng, year: number, person: string): string;
  documentTitles: Array<(r: Rng, year: number, person: string) => string>;
  /** Document type keys, the first the most common. */
  types: TypeKey[];
}
type Rng = { one<T>(list: readonly T[]): T; int(n: number): number };

const schoolYear = (year: number) => `${year}/${String((year + 1) % 100).padStart(2, "0")}`;

export const CASE_KINDS: CaseKind[] = [
  {
    key: "pupil",
    share: 0.3,
    caseTitle: (r, _y, p) =>
      `${r.one(["Elevsag", "Skoleskift", "Fravær", "Indskrivning", "Klage over karakter", "Befordring", "Udmeldelse"])} ${p} ${1 + r.int(9)}.${r.one(["a", "b", "c"])}`,
    documentTitles: [
      (_r, y, p) => `Elevplan ${schoolYear(y)} – ${p}`,
      (_r, _y, p) => `Referat af forældresamtale vedr. ${p}`,
      (r) => `Brev til forældre vedr. ${r.one(["fravær", "skoleskift", "trivsel", "lejrskole", "befordring"])}`,
      () => "Samtykkeerklæring til fotografering",
      () => "Indskrivningsblanket",
      (_r, y) => `Karakterblad ${schoolYear(y)}`,
      () => "Husk optagelse – tjek dokumenter fra Optagelse.dk",
      (r, _y, p) => `Mail: Re: ${r.one(["Sygemelding", "Fravær", "Afhentning", "Forældremøde"])} ${p.split(" ")[0]}`,
    ],
    types: ["pupil", "letter", "note", "confidential"],
  },
  {
    key: "special",
    share: 0.1,
    caseTitle: (r, _y, p) => `${r.one(["Specialundervisning", "PPR-indstilling", "Handleplan", "Støttetimer", "Talehørelærer"])} ${p}`,
    documentTitles: [
      (_r, _y, p) => `Pædagogisk psykologisk vurdering af ${p}`,
      (_r, y) => `Handleplan ${schoolYear(y)}`,
      () => "Indstilling til specialundervisning",
      (r) => `Statusmøde ${1 + r.int(28)}. ${r.one(MONTHS)}`,
      () => "Udarbejdelse af indstillingsnotat",
    ],
    types: ["pupil", "note", "letter", "confidential"],
  },
  {
    key: "board",
    share: 0.08,
    caseTitle: (r, y) =>
      `${r.one(["Bestyrelsesmøde", "Skolebestyrelse referat", "Budget", "Høringssvar", "Ansættelsesudvalg", "Årsplan"])} ${r.one(MONTHS)} ${y}`,
    documentTitles: [
      (r, y) => `Dagsorden til bestyrelsesmøde ${1 + r.int(28)}. ${r.one(MONTHS)} ${y}`,
      (r, y) => `Referat af bestyrelsesmøde ${1 + r.int(28)}. ${r.one(MONTHS)} ${y}`,
      (r) => `Bilag ${1 + r.int(9)}: ${r.one(["Budgetforslag", "Principper for lektier", "Skolens værdigrundlag", "Trivselsmåling"])}`,
      () => "Godkendelse af afrapportering / milepælsplan",
      () => "Evaluering af projektafslutning",
    ],
    types: ["minutes", "letter", "note"],
  },
  {
    key: "personnel",
    share: 0.14,
    caseTitle: (r, _y, p) => `${r.one(["Ansættelse af", "Personalesag", "Sygefravær", "Barsel", "Fratrædelse"])} ${p}`,
    documentTitles: [
      () => "Ansættelsesbrev",
      () => "Ansøgning modtaget / 1. vurdering",
      (_r, y) => `Lønseddel ${y}`,
      () => "Referat af MUS-samtale",
      (r) => `Lægeerklæring ${1 + r.int(28)}. ${r.one(MONTHS)}`,
    ],
    types: ["contract", "letter", "note"],
  },
  {
    key: "finance",
    share: 0.16,
    caseTitle: (r, y) => `${r.one(["Budgetopfølgning", "Regnskab", "Indkøb", "Faktura", "Revision"])} ${r.one(MONTHS)} ${y}`,
    documentTitles: [
      (r) => `Faktura fra ${r.one(SUPPLIERS)} nr. ${10_000 + r.int(90_000)}`,
      () => "Kontrol af budgetplan",
      (r, y) => `Budgetopfølgning ${r.one(["1.", "2.", "3."])} kvartal ${y}`,
      (r) => `Tilbud fra ${r.one(SUPPLIERS)}`,
    ],
    types: ["invoice", "note", "letter"],
  },
  {
    key: "sfo",
    share: 0.1,
    caseTitle: (r, y, p) => r.one([`SFO-indmeldelse ${p}`, `Forældrebetaling ${r.one(MONTHS)} ${y}`, `Udflugt til ${r.one(PLACES)} ${y}`]),
    documentTitles: [
      () => "Indmeldelsesblanket SFO",
      (r) => `Brev om forældrebetaling for ${r.one(MONTHS)}`,
      (r) => `Seddel om udflugt til ${r.one(PLACES)}`,
      () => "Tilladelse til at gå hjem alene",
    ],
    types: ["pupil", "letter", "note"],
  },
  {
    key: "operations",
    share: 0.12,
    caseTitle: (r, y) => `${r.one(["Renovering af", "Vedligehold af", "Skimmelsvamp i", "Brandsyn i", "Nye vinduer i"])} ${r.one(BUILDINGS)} ${y}`,
    documentTitles: [
      (r) => `Tilbud fra ${r.one(SUPPLIERS)}`,
      (r) => `Rapport fra brandsyn ${1 + r.int(28)}. ${r.one(MONTHS)}`,
      () => "Tegninger og tidsplan",
      (r) => `Faktura fra ${r.one(SUPPLIERS)} nr. ${10_000 + r.int(90_000)}`,
    ],
    types: ["letter", "note", "invoice"],
  },
];

/** The file a version is: its extension, media type, and which of the shared blobs it points at. */
const FILE_KINDS = [
  { ext: "pdf", mediaType: "application/pdf" },
  { ext: "docx", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  { ext: "xlsx", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  { ext: "txt", mediaType: "text/plain" },
] as const;
const BLOBS_PER_KIND = 8;
/** Threads writing documents' texts beside the one writing rows. */
const TEXT_THREADS = Math.max(1, Math.min(2, os.availableParallelism() - 1));

// ---- who signs in, and what the archive holds

/** Someone who may sign in to the bench archive. */
export interface BenchUser {
  id: string;
  email: string;
  password: string;
}

/** Who signs in to the bench (alice, and a school secretary for search), and what the archive holds for them. */
export interface ArchiveFacts {
  benchUser: BenchUser;
  /** Erik, an external partner who sees no case at all: the listings' worst case. */
  partnerUser: BenchUser;
  cases: number;
  documents: number;
  versions: number;
  floating: number;
  /** Counts as alice's access allows (cases: her access groups, or she owns or is responsible). */
  visibleCases: number;
  mineCases: number;
  criticalVisibleCases: number;
  closedVisibleCases: number;
  visibleFloating: number;
  tasks: number;
  notifications: number;
  /** Tasks assigned to alice or her group that are not done, on records she sees; her notifications, and the unread among them. */
  aliceOpenTasks: number;
  aliceNotifications: number;
  aliceUnread: number;
  /** The case alice sees with the most documents (for ?caseId=), and a typical one. */
  bigCase: { id: string; number: string; documents: number };
  typicalCase: { id: string; number: string; documents: number };
  /** A school secretary in two of the 51 access groups (alice, in PPR, is in fourteen), and the cases she sees. */
  secretaryUser: BenchUser;
  secretaryVisibleCases: number;
  text: TextFacts;
  search: SearchFacts;
}

/** The documents' texts (each current version's content), in words and bytes. */
export interface TextFacts {
  documents: number;
  words: number;
  bytes: number;
  mean: number;
  p10: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

type BulkFacts = Omit<ArchiveFacts, "search">;

export interface BenchArchive {
  /** A fresh data directory with the archive, the service's to open and write (remove it afterwards). */
  dataDir: string;
  world: BenchWorld;
  facts: ArchiveFacts;
  /** Seconds it took to generate, or null when a cached archive was copied. */
  generatedSeconds: number | null;
  copiedSeconds: number;
  /** The size of the database file, in bytes. */
  databaseBytes: number;
  /** The cache directory it was copied from, where what is made from it may be kept too (scale-search.ts). */
  cache: string;
}

interface Cached {
  world: BenchWorld;
  facts: ArchiveFacts;
  generatedSeconds: number;
}

/**
 * The schema an archive is generated for: the newest migration's name and a hash of every table and index
 * the migrations make (from an in-memory database), so a changed or newly registered migration regenerates it.
 */
export async function schemaKey(): Promise<string> {
  const opened = openSqlite(":memory:");
  try {
    await migrateToLatest(opened.db);
    const { rows } = await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master order by name`.execute(opened.db);
    const latest = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(opened.db);
    const hash = createHash("sha256").update(JSON.stringify(rows)).digest("hex").slice(0, 10);
    return `${latest.rows[0].name}-${hash}`;
  } finally {
    await opened.close();
  }
}

/** Where an archive of this size, schema and generator is kept between runs. */
export async function cacheDir(size: ArchiveSize = BENCH_ARCHIVE_SIZE): Promise<string> {
  return path.join(
    os.tmpdir(),
    "ims-bench-archive",
    `${await schemaKey()}-g${GENERATOR_VERSION}-${size.cases}c-${size.documents}d-${size.tasks}t-${size.notifications}n`,
  );
}

/**
 * The bench archive in a fresh data directory: generated once into the cache (the better part of an hour,
 * most of it the search index), then copied from it. The caller starts a service on `dataDir` and removes it when done.
 */
export async function benchArchive(size: ArchiveSize = BENCH_ARCHIVE_SIZE, log: (line: string) => void = () => {}): Promise<BenchArchive> {
  const cache = await cacheDir(size);
  let generatedSeconds: number | null = null;
  if (!fs.existsSync(path.join(cache, "archive.json"))) {
    removeStaleArchives(cache);
    log(`generating the bench archive (${size.cases.toLocaleString("en")} cases, ${size.documents.toLocaleString("en")} documents) into ${cache} …`);
    // Generated beside the cache and renamed into place when complete, so an interrupted run leaves nothing half-made behind.
    const building = `${cache}.building-${process.pid}`;
    fs.rmSync(building, { recursive: true, force: true });
    fs.mkdirSync(building, { recursive: true });
    const started = performance.now();
    const { world, facts } = await generateArchive(path.join(building, "data"), size, log);
    generatedSeconds = (performance.now() - started) / 1000;
    const cached: Cached = { world, facts, generatedSeconds };
    fs.writeFileSync(path.join(building, "archive.json"), JSON.stringify(cached, null, 2));
    try {
      fs.renameSync(building, cache);
    } catch {
      // Another run finished the same archive first; its copy is as good as ours.
      fs.rmSync(building, { recursive: true, force: true });
    }
  }
  const cached = JSON.parse(fs.readFileSync(path.join(cache, "archive.json"), "utf8")) as Cached;
  const t = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-bench-"));
  fs.cpSync(path.join(cache, "data"), dataDir, { recursive: true });
  const databaseBytes = fs.statSync(loadConfig({ DATA_DIR: dataDir }).databaseFile).size;
  return { dataDir, world: cached.world, facts: cached.facts, generatedSeconds, copiedSeconds: (performance.now() - t) / 1000, databaseBytes, cache };
}

/** Archives of an older schema or generator, which nothing will use again (each is about a gigabyte). */
function removeStaleArchives(keep: string): void {
  const root = path.dirname(keep);
  if (!fs.existsSync(root)) return;
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    const building = name.includes(".building-");
    // Someone else's generation in progress is left alone unless it is clearly abandoned.
    if (dir === keep || (building && Date.now() - fs.statSync(dir).mtimeMs < 3600_000)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- generation

/** Case kinds' shares as cumulative bounds, for picking one with a single draw. */
const kindBounds = (() => {
  let sum = 0;
  return CASE_KINDS.map((k) => (sum += k.share) / CASE_KINDS.reduce((n, c) => n + c.share, 0));
})();

/** Generates the archive into `dataDir` (which must not exist yet): the organisation, then the bulk. */
export async function generateArchive(
  dataDir: string,
  size: ArchiveSize = BENCH_ARCHIVE_SIZE,
  log: (line: string) => void = () => {},
): Promise<{ world: BenchWorld; facts: ArchiveFacts }> {
  const phase = phases(log);
  const opened = openDataDir(dataDir);
  let world: BenchWorld;
  try {
    await migrateToLatest(opened.db);
    const base = await buildWorld(opened.db, ADMIN_TOKEN);
    world = await opened.db.transaction().execute((trx) => buildOrganisation(trx, base));
    await givePassword(opened.db, world.users.alice);
    await givePassword(opened.db, world.users.erik);
    await givePassword(opened.db, world.secretary.id);
  } finally {
    await opened.close();
  }
  const blobs = await writeBlobs(dataDir);
  phase("organisation, people and blobs through the service's own functions");
  const bulk = await bulkInsert(loadConfig({ DATA_DIR: dataDir }).databaseFile, world, size, blobs, phase);
  const search = await buildSearchIndex(dataDir, world, log, phase);
  return { world, facts: { ...bulk, search } };
}

interface SharedBlob {
  sha256: string;
  size: number;
  text: string;
}

/**
 * A few tiny files per kind, stored through the real blob store: the versions before a document's current
 * one share them. A current version names its own text's sha256 instead, and no blob holds it: a million
 * small files would take minutes to copy and remove for every run, and no benchmark reads them. Opening a
 * document's current file on the bench archive therefore answers that its content is missing.
 */
async function writeBlobs(dataDir: string): Promise<SharedBlob[][]> {
  const store = diskBlobStore(loadConfig({ DATA_DIR: dataDir }).blobDir);
  const out: SharedBlob[][] = [];
  for (const kind of FILE_KINDS) {
    const list: SharedBlob[] = [];
    for (let i = 0; i < BLOBS_PER_KIND; i++) {
      const bytes = Buffer.from(`IMS Case bench-indhold (${kind.ext} ${i + 1})\nDette dokument er genereret til ydelsesmålinger.\n`.repeat(1 + i), "utf8");
      const stored = await store.put(Readable.from([bytes]), 1 << 20);
      list.push({ sha256: stored.sha256, size: stored.size, text: bytes.toString("utf8") });
    }
    out.push(list);
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();
const idOf = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
export const benchCaseId = (i: number) => idOf("ca5e0000", i);
export const benchDocumentId = (i: number) => idOf("d0c00000", i);

/**
 * The bulk of the archive with better-sqlite3's prepared statements rather than Kysely: millions of rows
 * in seconds. Secondary indexes are dropped first and built again from their own definitions at the end
 * (sorting once is far quicker than growing them row by row); the planner's statistics are gathered as the
 * service itself gathers them.
 */
async function bulkInsert(file: string, world: BenchWorld, size: ArchiveSize, blobs: SharedBlob[][], phase: (done: string) => void): Promise<BulkFacts> {
  const draw = random(20261202);
  const rng: Rng = { one: (list) => list[Math.floor(draw() * list.length)], int: (n) => Math.floor(draw() * n) };
  const people = world.people;
  const alice = 0;
  const secretary = people.findIndex((p) => p.id === world.secretary.id);
  // Who works on which kind of case at which school, by index into `people`.
  const staff = (kind: KindKey, school: number) => world.staffByKind[kind][school];
  const aliceKinds = new Set(["pupil", "special"]);
  const secretaryKinds = new Set(["pupil", "sfo"]);
  const rules: Record<TypeKey, RetentionRule> = {
    pupil: rule("after_case_closed", 5),
    minutes: rule("permanent", null),
    letter: rule("after_document_created", 10),
    note: rule("review", 3),
    contract: rule("after_case_closed", 5),
    invoice: rule("after_document_created", 5),
    confidential: rule("after_case_closed", 5),
  };
  const categories: Record<TypeKey, string> = {
    pupil: "Elevdokument",
    minutes: "Referat",
    letter: "Korrespondance",
    note: "Notat",
    contract: "Personale",
    invoice: "Regnskab",
    confidential: "Notat",
  };

  // Pass 1: the cases' shape and every document's case and times, in typed arrays.
  const N = size.cases;
  const kindOf = new Uint8Array(N);
  const created = new Float64Array(N);
  const closedAt = new Float64Array(N);
  const owner = new Uint8Array(N);
  const responsible = new Int16Array(N);
  const critical = new Uint8Array(N);
  const person = new Uint16Array(N);
  const schoolOf = new Uint8Array(N);
  const docCount = new Uint32Array(N);
  const span = ARCHIVE_NOW - ARCHIVE_START - 30 * 86400_000;
  for (let i = 0; i < N; i++) {
    const u = draw();
    let k = 0;
    while (u > kindBounds[k]) k++;
    kindOf[i] = k;
    created[i] = ARCHIVE_START + ((i + draw()) / N) * span;
    // Four in ten cases are closed, some months or years after they opened.
    const closes = created[i] + (30 + draw() * 1000) * 86400_000;
    closedAt[i] = draw() < 0.45 && closes < ARCHIVE_NOW ? closes : NaN;
    schoolOf[i] = Math.floor(draw() * SCHOOLS.length);
    const team = staff(CASE_KINDS[k].key, schoolOf[i]);
    owner[i] = team[Math.floor(draw() * team.length)];
    responsible[i] = draw() < 0.5 ? team[Math.floor(draw() * team.length)] : -1;
    // Alice is responsible for a few cases outside her access groups: she sees them through that alone.
    if (!aliceKinds.has(CASE_KINDS[k].key) && draw() < 0.003) responsible[i] = alice;
    critical[i] = draw() < 0.005 ? 1 : 0;
    person[i] = Math.floor(draw() * FIRST_NAMES.length * LAST_NAMES.length);
  }
  const sees = (i: number) => aliceKinds.has(CASE_KINDS[kindOf[i]].key) || owner[i] === alice || responsible[i] === alice;
  const secretarySees = (i: number) =>
    (schoolOf[i] === 1 && secretaryKinds.has(CASE_KINDS[kindOf[i]].key)) || owner[i] === secretary || responsible[i] === secretary;
  // The visible case with the most documents: a pupil case half way through the archive.
  const big = Math.floor(N / 2);
  kindOf[big] = 0;
  closedAt[big] = NaN;
  const floating = Math.round(size.documents * 0.02);
  const filed = size.documents - floating;
  const bigDocs = Math.min(2500, Math.floor(filed / 4));
  // Documents per case: exponential around the mean, then trimmed or topped up to the exact total.
  let total = 0;
  const mean = (filed - bigDocs) / (N - 1);
  for (let i = 0; i < N; i++) {
    if (i === big) continue;
    docCount[i] = Math.floor(-Math.log(1 - draw()) * mean + 0.5);
    total += docCount[i];
  }
  while (total !== filed - bigDocs) {
    const i = Math.floor(draw() * N);
    if (i === big) continue;
    if (total < filed - bigDocs) {
      docCount[i]++;
      total++;
    } else if (docCount[i] > 0) {
      docCount[i]--;
      total--;
    }
  }
  docCount[big] = bigDocs;

  const D = size.documents;
  const docCase = new Int32Array(D);
  const docCreated = new Float64Array(D);
  const docChanged = new Float64Array(D);
  const caseChanged = new Float64Array(N);
  let d = 0;
  for (let i = 0; i < N; i++) {
    const end = Number.isNaN(closedAt[i]) ? ARCHIVE_NOW : closedAt[i];
    caseChanged[i] = created[i] + draw() * Math.min(end - created[i], 7 * 86400_000);
    for (let j = 0; j < docCount[i]; j++, d++) {
      docCase[d] = i;
      // Most documents come early in a case's life.
      docCreated[d] = created[i] + draw() * draw() * (end - created[i]);
      docChanged[d] = draw() < 0.3 ? docCreated[d] + draw() * (end - docCreated[d]) : docCreated[d];
      if (docChanged[d] > caseChanged[i]) caseChanged[i] = docChanged[d];
    }
  }
  // Floating documents: uploaded in the last half year, not yet filed.
  for (; d < D; d++) {
    docCase[d] = -1;
    docCreated[d] = ARCHIVE_NOW - draw() * 180 * 86400_000;
    docChanged[d] = docCreated[d];
  }
  // Rows go in in the order they were created, as a live archive grows.
  const order = new Uint32Array(D);
  for (let k = 0; k < D; k++) order[k] = k;
  order.sort((a, b) => docCreated[a] - docCreated[b]);

  phase("cases and documents laid out");
  const db = new SqliteDatabase(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("foreign_keys = OFF");
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("temp_store = MEMORY");
  db.pragma("cache_size = -1048576");
  // CREATE INDEX sorts with helper threads.
  db.pragma("threads = 2");
  const bulkTables = ["cases", "case_words", "recent_cases", "documents", "versions", "tasks", "notifications"];
  const indexes = db
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${bulkTables.map(() => "?").join(", ")})`)
    .all(...bulkTables) as Array<{ name: string; sql: string }>;
  for (const ix of indexes) db.exec(`drop index "${ix.name}"`);
  // The search triggers would note each row in search_dirty as it goes in, and each text every document
  // holding its content, by a scan of versions while its index is dropped: they are dropped too, and
  // search_dirty is filled once at the end, as the migrations fill it.
  const triggers = db.prepare("select name, sql from sqlite_master where type = 'trigger' and name like 'search_%'").all() as Array<{
    name: string;
    sql: string;
  }>;
  for (const t of triggers) db.exec(`drop trigger "${t.name}"`);

  const insertCase = rowsInto(db, "cases", [
    ...["id", "number", "title", "status", "start_date", "end_date", "owner_id", "responsible_id", "template_id", "journal_code", "access_group_id"],
    ...["critical", "metadata", "created_at", "created_by", "changed_at", "changed_by", "revision"],
  ]);
  const insertWord = rowsInto(db, "case_words", ["word", "case_id"]);
  const insertDocument = rowsInto(db, "documents", [
    ...["id", "title", "status", "document_type_id", "category", "owner_id", "case_id", "access_group_id", "document_date", "disposal_date"],
    ...["current_version_id", "created_at", "created_by", "changed_at", "changed_by", "revision"],
  ]);
  const insertVersion = rowsInto(db, "versions", [
    ...["id", "document_id", "subject_id", "major", "minor", "filename", "original_filename", "media_type", "size", "sha256", "author_id"],
    ...["created_at", "comment"],
  ]);
  const journalCodes: Record<CaseKind["key"], string> = {
    pupil: "17.01.00",
    special: "17.01.10",
    board: "00.01.10",
    personnel: "81.03.00",
    finance: "00.32.00",
    sfo: "17.05.00",
    operations: "82.02.00",
  };
  const personName = (i: number) => `${FIRST_NAMES[person[i] % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(person[i] / FIRST_NAMES.length)]}`;
  const caseNumber = (i: number) => `${iso(created[i]).slice(0, 10).replaceAll("-", "")}-${String(1_000_000 + i).padStart(7, "0")}`;

  const facts = {
    visibleCases: 0,
    mineCases: 0,
    criticalVisibleCases: 0,
    closedVisibleCases: 0,
    visibleFloating: 0,
    versions: 0,
    aliceOpenTasks: 0,
    aliceNotifications: 0,
    aliceUnread: 0,
    secretaryVisibleCases: 0,
  };
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const kind = CASE_KINDS[kindOf[i]];
      const year = new Date(created[i]).getUTCFullYear();
      const title =
        i === big
          ? `Elevsag ${personName(i)} 4.b`
          : critical[i] && draw() < 0.5
            ? `${rng.one(CRITICAL_TITLES)} ${year}`
            : kind.caseTitle(rng, year, personName(i));
      const closed = !Number.isNaN(closedAt[i]);
      const by = people[owner[i]].id;
      insertCase.run(
        benchCaseId(i),
        caseNumber(i),
        title,
        closed ? "closed" : "active",
        iso(created[i]).slice(0, 10),
        closed ? iso(closedAt[i]).slice(0, 10) : null,
        by,
        responsible[i] >= 0 ? people[responsible[i]].id : null,
        world.templatesByKind[kind.key],
        journalCodes[kind.key],
        world.accessGroupsByKind[kind.key][schoolOf[i]],
        critical[i],
        "{}",
        iso(created[i]),
        by,
        iso(Math.max(caseChanged[i], closed ? closedAt[i] : 0)),
        by,
        closed ? 2 : 1,
      );
      for (const w of titleWords(title)) insertWord.run(w, benchCaseId(i));
      if (sees(i)) {
        facts.visibleCases++;
        if (owner[i] === alice || responsible[i] === alice) facts.mineCases++;
        if (critical[i]) facts.criticalVisibleCases++;
        if (closed) facts.closedVisibleCases++;
      }
      if (secretarySees(i)) facts.secretaryVisibleCases++;
    }
    insertCase.flush();
    insertWord.flush();
  })();

  phase(`${N.toLocaleString("en")} cases with their title words`);
  const everyone = people.map((_, k) => k);
  const aliceGroups = new Set(world.alice.accessGroups);
  const insertText = rowsInto(db, "content_texts", ["sha256", "status", "reason", "text", "truncated", "extracted_at"], 50, "insert or ignore");
  // Each document's text (its current version's content) is written in worker threads, a batch or two ahead
  // of the rows this thread writes; versions before the current one keep pointing at the few shared blobs.
  const writers = textWriters(kindTitleWords(), TEXT_THREADS);
  const wordsOfDocument = new Uint32Array(D);
  let textBytes = 0;
  /** The rows of documents `start` to `end` and the requests for their texts, drawn in document order. */
  const planDocuments = (start: number, end: number) => {
    const rows: Array<{ document: unknown[]; versions: unknown[][]; at: string }> = [];
    const requests: TextRequest[] = [];
    for (let n = start; n < end; n++) {
      const k = order[n];
      const c = docCase[k];
      const kind = c >= 0 ? CASE_KINDS[kindOf[c]] : rng.one(CASE_KINDS);
      const school = c >= 0 ? schoolOf[c] : rng.int(SCHOOLS.length);
      const team = staff(kind.key, school);
      const year = new Date(docCreated[k]).getUTCFullYear();
      const id = benchDocumentId(n);
      const about = c >= 0 ? personName(c) : `${rng.one(FIRST_NAMES)} ${rng.one(LAST_NAMES)}`;
      const title = rng.one(kind.documentTitles)(rng, year, about);
      // The first type is the usual one; a confidential note now and then narrows who sees the document.
      let type = draw() < 0.6 ? kind.types[0] : rng.one(kind.types);
      if (type === "confidential" && draw() < 0.5) type = "note";
      const typeId = world.typesByKey[type];
      const ownerIndex = c >= 0 ? (draw() < 0.5 ? owner[c] : rng.one(team)) : rng.one(everyone);
      const ownerId = people[ownerIndex].id;
      let accessGroup: string | null = type === "confidential" ? world.confidentialGroup : null;
      // Floating: shared with the department it came from, or only the uploader's own.
      if (c < 0 && draw() < 0.6) accessGroup = world.accessGroupsByKind[kind.key][school];
      const changed = docChanged[k] > docCreated[k];
      const changedBy = changed ? people[rng.one(team)].id : ownerId;
      const fileKind = Math.floor(draw() * FILE_KINDS.length);
      const file = FILE_KINDS[fileKind];
      const blob = blobs[fileKind][Math.floor(draw() * BLOBS_PER_KIND)];
      const filename = `${title.replace(/[^\p{L}\p{N} .–-]+/gu, "").slice(0, 80)}.${file.ext}`;
      const versions = changed ? (draw() < 0.15 ? 3 : 2) : 1;
      const versionRows: unknown[][] = [];
      for (let v = 0; v < versions; v++) {
        const at = v === 0 ? docCreated[k] : v === versions - 1 ? docChanged[k] : (docCreated[k] + docChanged[k]) / 2;
        // The current version's size and sha256 are its text's, filled in once the text is written.
        versionRows.push([`${id}.${v}`, id, id, 1, v, filename, null, file.mediaType, blob.size, blob.sha256, v === 0 ? ownerId : changedBy, iso(at), ""]);
      }
      facts.versions += versions;
      const closedOn = c >= 0 && !Number.isNaN(closedAt[c]) ? iso(closedAt[c]).slice(0, 10) : null;
      rows.push({
        document: [
          id,
          title,
          draw() < 0.7 ? "final" : "draft",
          typeId,
          categories[type],
          ownerId,
          c >= 0 ? benchCaseId(c) : null,
          accessGroup,
          type === "letter" ? iso(docCreated[k]).slice(0, 10) : null,
          disposalDate(rules[type], { caseClosedOn: closedOn, documentCreatedAt: iso(docCreated[k]) }),
          `${id}.${versions - 1}`,
          iso(docCreated[k]),
          ownerId,
          iso(docChanged[k]),
          changedBy,
          versions,
        ],
        versions: versionRows,
        at: iso(docChanged[k]),
      });
      const personal = kind.key === "pupil" || kind.key === "special" || kind.key === "personnel" || kind.key === "sfo";
      requests.push({ n, kind: kind.key, type, title, person: personal ? about : null, author: people[ownerIndex].name, year });
      if (c < 0 && (ownerIndex === alice || (accessGroup !== null && aliceGroups.has(accessGroup)))) facts.visibleFloating++;
    }
    return { start, rows, texts: writers.write(requests) };
  };
  const writeDocuments = (start: number, rows: ReturnType<typeof planDocuments>["rows"], texts: WrittenTexts) => {
    db.transaction(() => {
      rows.forEach((row, j) => {
        const current = row.versions[row.versions.length - 1];
        current[8] = Buffer.byteLength(texts.texts[j], "utf8");
        current[9] = texts.sha256[j];
        for (const v of row.versions) insertVersion.run(...v);
        insertDocument.run(...row.document);
        insertText.run(texts.sha256[j], "done", null, texts.texts[j], 0, row.at);
        wordsOfDocument[start + j] = texts.words[j];
        textBytes += current[8] as number;
      });
      insertVersion.flush();
      insertDocument.flush();
      insertText.flush();
    })();
  };
  const BATCH = 20_000;
  const ahead: Array<ReturnType<typeof planDocuments>> = [];
  let planned = 0;
  const planNext = () => {
    ahead.push(planDocuments(planned, Math.min(planned + BATCH, D)));
    planned += BATCH;
  };
  try {
    while (planned < D && ahead.length <= TEXT_THREADS) planNext();
    while (ahead.length) {
      const batch = ahead.shift()!;
      const texts = await batch.texts;
      // The next batch goes to the writers before this one is written, so they never wait for this thread.
      if (planned < D) planNext();
      writeDocuments(batch.start, batch.rows, texts);
    }
  } finally {
    await writers.close();
  }

  // Alice used some of her cases lately: the save flow's suggestions put them first.
  const recent = db.prepare("insert into recent_cases (user_id, case_id, used_at) values (?, ?, ?)");
  db.transaction(() => {
    let k = 0;
    for (let i = N - 1; i >= 0 && k < 40; i -= 97) {
      if (!sees(i)) continue;
      recent.run(people[alice].id, benchCaseId(i), iso(ARCHIVE_NOW - k * 3600_000));
      k++;
    }
  })();

  phase(`${D.toLocaleString("en")} documents, ${facts.versions.toLocaleString("en")} versions`);
  // The documents' cases by id order, for tasks and notifications that concern a document.
  const docCaseById = new Int32Array(D);
  for (let n = 0; n < D; n++) docCaseById[n] = docCase[order[n]];
  const docVisibleToAlice = (n: number) => {
    const c = docCaseById[n];
    return c >= 0 && sees(c);
  };
  tasksAndNotifications(db, {
    draw,
    rng,
    size,
    world,
    people,
    alice,
    staff,
    kindOf,
    schoolOf,
    created,
    closedAt,
    owner,
    responsible,
    docCaseById,
    sees,
    docVisibleToAlice,
    facts,
  });
  phase(`${size.tasks.toLocaleString("en")} tasks, ${size.notifications.toLocaleString("en")} notifications`);
  for (const ix of indexes) db.exec(ix.sql);
  phase(`${indexes.length} indexes built`);
  db.transaction(() => {
    // The shared blobs (older versions) are read too: their bytes are text.
    for (const blob of blobs.flat()) insertText.run(blob.sha256, "done", null, blob.text, 0, iso(ARCHIVE_START));
    insertText.flush();
    for (const [kind, select] of [
      ["case", "select id from cases"],
      ["document", "select id from documents"],
      ["task", "select id from tasks"],
      ["contact", "select id from contacts where merged_into is null"],
    ])
      db.exec(`insert or ignore into search_dirty (kind, object_id) select '${kind}', id from (${select})`);
    for (const t of triggers) db.exec(t.sql);
    // Every file has been read, as the backfill the migration queued would have found by its end.
    db.prepare("update jobs set state = 'done' where kind = ? and state = 'pending'").run(BACKFILL_TEXT_JOB);
  })();
  const unread = db.prepare("select count(*) as n from versions where sha256 not in (select sha256 from content_texts)").get() as { n: number };
  const pending = db.prepare("select count(*) as n from jobs where state = 'pending' and kind like 'text.%'").get() as { n: number };
  if (unread.n || pending.n) throw new Error(`the bench archive has ${unread.n} versions without text and ${pending.n} text jobs pending`);
  phase(`every version's text in content_texts (${(textBytes / 1e9).toFixed(2)} GB), search_dirty filled, triggers back`);
  // As the service does on opening (dialect.ts): statistics for the planner, sampled.
  db.pragma("analysis_limit = 400");
  db.exec("analyze");
  db.pragma("journal_mode = DELETE");
  db.close();
  phase("statistics gathered");

  // A typical case: one alice sees with about the mean number of documents.
  let typical = 0;
  for (let i = N - 1; i >= 0; i--) {
    if (i !== big && sees(i) && docCount[i] >= 9 && docCount[i] <= 11) {
      typical = i;
      break;
    }
  }
  return {
    benchUser: { id: world.users.alice, email: "alice@skole.dk", password: PASSWORD },
    partnerUser: { id: world.users.erik, email: "erik@partner.dk", password: PASSWORD },
    cases: N,
    documents: D,
    versions: facts.versions,
    floating,
    visibleCases: facts.visibleCases,
    mineCases: facts.mineCases,
    criticalVisibleCases: facts.criticalVisibleCases,
    closedVisibleCases: facts.closedVisibleCases,
    visibleFloating: facts.visibleFloating,
    tasks: size.tasks,
    notifications: size.notifications,
    aliceOpenTasks: facts.aliceOpenTasks,
    aliceNotifications: facts.aliceNotifications,
    aliceUnread: facts.aliceUnread,
    bigCase: { id: benchCaseId(big), number: caseNumber(big), documents: docCount[big] },
    typicalCase: { id: benchCaseId(typical), number: caseNumber(typical), documents: docCount[typical] },
    secretaryUser: { id: world.secretary.id, email: world.secretary.email, password: PASSWORD },
    secretaryVisibleCases: facts.secretaryVisibleCases,
    text: textStatistics(wordsOfDocument, textBytes),
  };
}

/** How long the documents' texts are, in words: what the search index is built from. */
function textStatistics(words: Uint32Array, bytes: number): TextFacts {
  const sorted = words.slice().sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  let total = 0;
  for (const w of words) total += w;
  return { documents: words.length, words: total, bytes, mean: total / words.length, p10: at(0.1), median: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/** The words each kind of case's titles are made of (its case and document titles, drawn a few hundred times). */
function kindTitleWords(): Record<KindKey, string[]> {
  const draw = random(7);
  const rng: Rng = { one: (list) => list[Math.floor(draw() * list.length)], int: (n) => Math.floor(draw() * n) };
  return Object.fromEntries(
    CASE_KINDS.map((kind) => {
      const titles: string[] = [];
      for (let i = 0; i < 300; i++) {
        titles.push(kind.caseTitle(rng, 2020, "Anna Jensen"));
        for (const title of kind.documentTitles) titles.push(title(rng, 2020, "Anna Jensen"));
      }
      return [kind.key, wordsOfTitles(titles).filter((w) => !["anna", "jensen"].includes(w))];
    }),
  ) as Record<KindKey, string[]>;
}

interface TaskLayout {
  draw: () => number;
  rng: Rng;
  size: ArchiveSize;
  world: BenchWorld;
  people: BenchWorld["people"];
  alice: number;
  staff(kind: KindKey, school: number): number[];
  kindOf: Uint8Array;
  schoolOf: Uint8Array;
  created: Float64Array;
  closedAt: Float64Array;
  owner: Uint8Array;
  responsible: Int16Array;
  docCaseById: Int32Array;
  sees(i: number): boolean;
  docVisibleToAlice(n: number): boolean;
  facts: { aliceOpenTasks: number; aliceNotifications: number; aliceUnread: number };
}

const TASK_TITLES = [
  "Udarbejdelse af indstillingsnotat",
  "Kontrol af budgetplan",
  "Godkendelse af afrapportering / milepælsplan",
  "Ansøgning modtaget / 1. vurdering",
  "Evaluering af projektafslutning",
  "Husk optagelse – tjek dokumenter fra Optagelse.dk",
  "Ring til forældre",
  "Svar på henvendelse",
];
const CHANGES = ["document_added", "version_added", "case_closed", "case_reopened", "task_assigned", "comment_added", "party_added"] as const;

/**
 * Tasks on cases (eight in ten) and documents, assigned to a person of the case's team or its group, two in
 * three done; and notifications to the cases' owners, responsible and team, newest last as a live archive
 * writes them. Some of alice's notifications are on cases she no longer sees: the lists must skip them.
 */
function tasksAndNotifications(db: SqliteDatabase.Database, l: TaskLayout): void {
  const { draw, rng, people, alice } = l;
  const N = l.kindOf.length;
  const D = l.docCaseById.length;
  const aliceGroups = new Set(l.world.alice.groups);
  const insertTask = rowsInto(db, "tasks", [
    ...["id", "title", "description", "case_id", "document_id", "assignee_type", "assignee_id", "start_date", "deadline", "status"],
    ...["created_at", "created_by", "changed_at", "completed_at", "revision"],
  ]);
  db.transaction(() => {
    for (let t = 0; t < l.size.tasks; t++) {
      const onDocument = draw() < 0.2;
      const n = onDocument ? Math.floor(draw() * D) : -1;
      // A task on a floating document concerns no case: give it a case's team anyway, by a random case.
      const c = onDocument ? (l.docCaseById[n] >= 0 ? l.docCaseById[n] : Math.floor(draw() * N)) : Math.floor(draw() * N);
      const kind = CASE_KINDS[l.kindOf[c]].key;
      const team = l.staff(kind, l.schoolOf[c]);
      const end = Number.isNaN(l.closedAt[c]) ? ARCHIVE_NOW : l.closedAt[c];
      const at = l.created[c] + draw() * (end - l.created[c]);
      const u = draw();
      const assignee: [string | null, string | null] =
        u < 0.1 ? [null, null] : u < 0.25 ? ["group", l.world.groupsByKind[kind][l.schoolOf[c]]] : ["user", people[rng.one(team)].id];
      const done = Number.isFinite(l.closedAt[c]) || draw() < 0.6;
      const deadline = draw() < 0.85 ? iso(at + (draw() * 60 - 10) * 86400_000).slice(0, 10) : null;
      const by = people[rng.one(team)].id;
      insertTask.run(
        idOf("7a5c0000", t),
        rng.one(TASK_TITLES),
        draw() < 0.5 ? "Se vedlagte og giv besked inden fristen." : "",
        onDocument ? null : benchCaseId(c),
        onDocument ? benchDocumentId(n) : null,
        assignee[0],
        assignee[1],
        iso(at).slice(0, 10),
        deadline,
        done ? "done" : draw() < 0.7 ? "open" : "in_progress",
        iso(at),
        by,
        iso(at),
        done ? iso(Math.min(end, at + draw() * 20 * 86400_000)) : null,
        done ? 1 : 0,
      );
      const forAlice = assignee[1] === people[alice].id || (assignee[1] !== null && aliceGroups.has(assignee[1]));
      const aliceSees = onDocument ? l.docVisibleToAlice(n) : l.sees(c);
      if (forAlice && aliceSees && !done) l.facts.aliceOpenTasks++;
    }
    insertTask.flush();
  })();

  // Notifications in the order they were written: times drawn, then sorted.
  const M = l.size.notifications;
  const when = new Float64Array(M);
  for (let k = 0; k < M; k++) when[k] = ARCHIVE_NOW - Math.pow(draw(), 2) * (ARCHIVE_NOW - ARCHIVE_START);
  when.sort();
  const insertNotification = rowsInto(db, "notifications", [
    ...["id", "user_id", "change", "case_id", "document_id", "task_id", "detail", "actor_id", "at", "read_at"],
  ]);
  const BATCH = 100_000;
  for (let start = 0; start < M; start += BATCH) {
    db.transaction(() => {
      for (let k = start; k < Math.min(start + BATCH, M); k++) {
        // Most cases are changed where their people work; one in a hundred of alice's is on a case she cannot see.
        const c = Math.floor(draw() * N);
        const kind = CASE_KINDS[l.kindOf[c]].key;
        const team = l.staff(kind, l.schoolOf[c]);
        const r = draw();
        const recipient = r < 0.4 ? l.owner[c] : r < 0.6 && l.responsible[c] >= 0 ? l.responsible[c] : r < 0.61 ? alice : rng.one(team);
        let actor = rng.one(team);
        if (actor === recipient) actor = team[(team.indexOf(actor) + 1) % team.length];
        const change = rng.one(CHANGES);
        const unread = when[k] > ARCHIVE_NOW - 14 * 86400_000 ? draw() < 0.6 : draw() < 0.02;
        insertNotification.run(
          idOf("0f1c0000", k),
          people[recipient].id,
          change,
          benchCaseId(c),
          null,
          null,
          change === "version_added" ? "2.0" : change === "party_added" ? "Anna Jensen (Forælder)" : "",
          people[actor].id,
          iso(when[k]),
          unread ? null : iso(Math.min(ARCHIVE_NOW, when[k] + 3600_000)),
        );
        if (recipient === alice && l.sees(c)) {
          l.facts.aliceNotifications++;
          if (unread) l.facts.aliceUnread++;
        }
      }
      insertNotification.flush();
    })();
  }
}

/**
 * Inserts rows into `table` many to a statement (fewer calls into SQLite than one statement per row), the
 * last few on `flush`, which must be called inside the transaction that added them.
 */
function rowsInto(db: SqliteDatabase.Database, table: string, columns: string[], perStatement = 50, verb: "insert" | "insert or ignore" = "insert") {
  const row = `(${columns.map(() => "?").join(", ")})`;
  const statement = (rows: number) => db.prepare(`${verb} into ${table} (${columns.join(", ")}) values ${Array(rows).fill(row).join(", ")}`);
  const many = statement(perStatement);
  const one = statement(1);
  let values: unknown[] = [];
  return {
    run(...row: unknown[]) {
      for (const v of row) values.push(v);
      if (values.length === columns.length * perStatement) {
        many.run(values);
        values = [];
      }
    },
    flush() {
      for (let i = 0; i < values.length; i += columns.length) one.run(values.slice(i, i + columns.length));
      values = [];
    },
  };
}

/** Logs how long each step took since the one before. */
function phases(log: (line: string) => void): (done: string) => void {
  let last = performance.now();
  return (done) => {
    const now = performance.now();
    log(`  ${((now - last) / 1000).toFixed(1)} s: ${done}`);
    last = now;
  };
}

function rule(kind: RetentionRule["kind"], years: number | null): RetentionRule {
  return { id: kind, name: kind, kind, years };
}
