import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { engineOf } from "../../service/db/dialect.ts";
import type { AnyRoute } from "../../service/http/route.ts";
import { createApp } from "../../service/app.ts";
import { accessGroupsOf } from "../../service/features/access/access.ts";
import { uploadStore } from "../../service/features/uploads/upload-store.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "./service.ts";
import { indexStale } from "../../service/features/search/indexer.ts";
import { buildWorld, type World } from "./world.ts";
import { send, toWire, type Answer, type FuzzRequest, type Who } from "./fuzz-http.ts";
import { KINDS, Ref, type Pool, type PoolEntry, type Resolution } from "./fuzz-values.ts";

// The world the fuzz suite's requests act on: the test organisation with cases, documents, attachments,
// references and resumable uploads of several users, kept usable while the requests change it, and
// what a refused request must not have changed: the business tables and the files under DATA_DIR.

const GROUP_OF_DOCUMENT = "coalesce(d.access_group_id, c.access_group_id)";
const EMPTY_POOL = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Pool;
/** Tables that record requests rather than the archive: refusals are audited on purpose, and every sign-in uses a session. */
const REQUEST_RECORDS = new Set(["audit_events", "auth_sessions", "rate_limits"]);
/** Columns that change on every use of a credential, whatever the request's outcome. */
const TOUCHED = new Set(["api_tokens.last_used_at"]);
/** Reference data the requests may change but later requests need as it was: restored after each change. */
const RESTORED: Array<[table: string, key: string]> = [
  ["users", "id"],
  ["api_tokens", "id"],
  ["groups", "id"],
  ["access_groups", "id"],
  ["retention_rules", "id"],
  ["document_types", "id"],
  ["case_templates", "id"],
  ["journal_plan", "code"],
];
const MEMBERSHIPS: Array<[table: string, parent: string]> = [
  ["group_members", "group_id"],
  ["access_group_members", "access_group_id"],
  ["case_template_document_types", "template_id"],
];

export interface Snapshot {
  tables: Map<string, { rows: number; hash: string }>;
  /** Files under blobs/, tmp/ and uploads/ (relative to DATA_DIR) with their sizes. */
  files: Map<string, number>;
}

type Row = Record<string, unknown>;

export class FuzzWorld {
  readonly tokens: Record<Who, string | undefined>;
  readonly userIds: Record<Who, string | undefined>;
  /** Objects the world was made with, for requests that need one in particular. */
  readonly made = { cases: { school: "", closed: "", board: "" }, documents: { plan: "", letter: "" }, confidentialType: "" };
  private cached: Pool | undefined;
  private original = new Map<string, Row[]>();
  private nextUploadLength = 7001;

  private constructor(
    readonly svc: TestService,
    readonly world: World,
    readonly routes: readonly AnyRoute[],
    adminId: string,
  ) {
    const t = world.tokens;
    this.tokens = {
      admin: t.admin,
      alice: t.alice,
      bob: t.bob,
      carl: t.carl,
      erik: t.erik,
      anonymous: undefined,
      forged: "forged-token-that-no-user-has-0123456789",
    };
    const u = world.users;
    this.userIds = { admin: adminId, alice: u.alice, bob: u.bob, carl: u.carl, erik: u.erik, anonymous: undefined, forged: undefined };
  }

  static async start(): Promise<FuzzWorld> {
    // Files over 1 MB are refused (413 costs a small body), and failed sign-ins are not throttled here: the
    // fuzz sends many on purpose, and a blocked address would answer 429 to everything after them.
    // A request that hangs (a failure the suite reports) must not hold up the shutdown at the end.
    const svc = await startTestService({ MAX_UPLOAD_MB: "1", IMS_AUTH_FAILURES_PER_MINUTE: "1000000", IMS_SHUTDOWN_GRACE_SECONDS: "1" });
    const world = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const admin = await svc.ctx.db.selectFrom("users").select("id").where("role", "=", "admin").executeTakeFirstOrThrow();
    // The route table the service was built from: a second app over the same context declares the same routes.
    const { routes } = createApp(svc.ctx);
    const fw = new FuzzWorld(svc, world, routes, admin.id);
    await fw.fill();
    for (const [table] of [...RESTORED, ...MEMBERSHIPS]) fw.original.set(table, await fw.rows(table));
    await fw.replenish();
    return fw;
  }

  dispose = () => this.svc.dispose();

  /** Sends a request built from plain values (no references), failing loudly: the world's own setup. */
  async call(who: Who, req: Omit<FuzzRequest, "who" | "auth" | "chunked" | "headers"> & { headers?: FuzzRequest["headers"] }): Promise<Answer> {
    const wire = toWire({ who, auth: "bearer", chunked: false, headers: [], ...req }, { pool: EMPTY_POOL, userId: undefined }, this.tokens[who]);
    const answer = await send(this.svc.url, wire);
    if (answer.status >= 300)
      throw new Error(`setting up the fuzz world: ${req.method} ${req.path.join("")} answered ${answer.status}: ${answer.body.toString("utf8")}`);
    return answer;
  }

  private json = async (who: Who, method: string, p: string, json: unknown) =>
    JSON.parse((await this.call(who, { route: "setup", method, path: [p], contentType: "application/json", body: { json } })).body.toString("utf8"));

  private save = async (who: Who, metadata: Row, filename: string, attachments = 0) => {
    const file = (name: string, fn: string) => ({
      name,
      filename: fn,
      contentType: fn.endsWith(".eml") ? "message/rfc822" : "text/plain",
      content: { text: `From: ${who}@skole.dk\r\nSubject: ${fn}\r\nMessage-ID: <${fn}@skole.dk>\r\n\r\n${fn}\r\n` },
    });
    const parts = [
      { name: "metadata", content: { json: metadata } },
      file("file", filename),
      ...Array.from({ length: attachments }, (_, i) => file("attachment", `Bilag ${i + 1}.txt`)),
    ];
    const answer = await this.call(who, {
      route: "setup",
      method: "POST",
      path: ["/api/documents"],
      body: { multipart: { parts, boundary: "ok", newline: "\r\n", closed: true, preamble: false, mediaType: "multipart/form-data" } },
    });
    return JSON.parse(answer.body.toString("utf8")).id as string;
  };

  /** Cases and documents of several users in several access groups, so requests reach deep code. */
  private async fill(): Promise<void> {
    const { templates, types, accessGroups, rules } = this.world;
    // A type whose documents only one access group may see, as archives have for confidential papers.
    const confidential = await this.json("admin", "POST", "/api/admin/document-types", {
      name: "Fortroligt notat",
      category: "Notat",
      retentionRuleId: rules.permanent,
      accessGroupId: accessGroups.school,
    });
    const school = await this.json("alice", "POST", "/api/cases", {
      templateId: templates.pupil,
      title: "Elev 7 Kurt",
      metadata: { elevnummer: "E-7", klasse: "1.a" },
    });
    const closed = await this.json("alice", "POST", "/api/cases", { templateId: templates.pupil, title: "Elev 9 afsluttet", metadata: { elevnummer: "E-9" } });
    const board = await this.json("bob", "POST", "/api/cases", { templateId: templates.board, title: "Bestyrelsesmøde marts" });
    const plan = await this.save("alice", { documentTypeId: types.pupil, caseId: school.id, title: "Elevplan" }, "Elevplan.txt", 2);
    const letter = await this.save("alice", { documentTypeId: types.letter, caseId: school.id }, "Brev til forældre.eml");
    await this.save("alice", { documentTypeId: types.note }, "Løst notat.txt");
    await this.save("carl", { documentTypeId: types.note, caseId: school.id }, "Carls notat.txt");
    await this.save("alice", { documentTypeId: types.pupil, caseId: closed.id }, "Afslutning.txt", 1);
    await this.save("bob", { documentTypeId: types.minutes, caseId: board.id }, "Referat.txt", 1);
    await this.save("bob", { documentTypeId: types.letter, accessGroupId: accessGroups.partners }, "Til partnere.txt");
    await this.json("alice", "POST", `/api/documents/${plan}/references`, { toDocumentId: letter, kind: "reply_to" });
    await this.json("alice", "POST", `/api/documents/${plan}/comments`, { body: "Husk underskrift" });
    await this.json("alice", "POST", `/api/cases/${closed.id}/close`, {});
    Object.assign(this.made, {
      cases: { school: school.id, closed: closed.id, board: board.id },
      documents: { plan, letter },
      confidentialType: confidential.id,
    });
    await this.svc.jobsIdle();
  }

  /** Every user keeps a finished and an unfinished upload, each of a length no other upload has. */
  async replenish(): Promise<void> {
    const pool = await this.pool();
    for (const who of ["alice", "bob", "carl", "erik", "admin"] as const) {
      const own = pool.upload.filter((u) => u.owner === this.userIds[who]);
      for (const finished of [true, false]) {
        if (own.some((u) => (u.offset === u.length) === finished)) continue;
        // Finished uploads are larger: streams of a few chunks are where tus's own download broke.
        const length = (finished ? 100_000 : 0) + this.nextUploadLength++;
        const meta = `filename ${Buffer.from(`${who}-${length}.txt`).toString("base64")}`;
        const created = await this.call(who, {
          route: "setup",
          method: "POST",
          path: ["/api/uploads"],
          headers: [
            ["Tus-Resumable", ["1.0.0"]],
            ["Upload-Length", [String(length)]],
            ["Upload-Metadata", [meta]],
          ],
        });
        const location = String(created.headers.location);
        const sent = finished ? length : Math.floor(length / 2);
        await this.call(who, {
          route: "setup",
          method: "PATCH",
          path: [location],
          headers: [
            ["Tus-Resumable", ["1.0.0"]],
            ["Upload-Offset", ["0"]],
          ],
          contentType: "application/offset+octet-stream",
          body: { size: sent },
        });
      }
    }
    this.cached = undefined;
  }

  private rows = async (table: string): Promise<Row[]> => (await sql<Row>`select * from ${sql.table(table)}`.execute(this.svc.ctx.db)).rows;

  /** Puts the world's users, tokens, groups, templates, types, rules and journal plan back as they were. */
  async restore(): Promise<void> {
    const db = this.svc.ctx.db;
    await db.transaction().execute(async (trx) => {
      for (const [table, key] of RESTORED) {
        for (const row of this.original.get(table)!) {
          const { [key]: id, ...rest } = row;
          await sql`update ${sql.table(table)} set ${sql.join(Object.entries(rest).map(([c, v]) => sql`${sql.ref(c)} = ${v}`))} where ${sql.ref(key)} = ${id}`.execute(
            trx,
          );
        }
      }
      for (const [table, parent] of MEMBERSHIPS) {
        const rows = this.original.get(table)!;
        const parents = [...new Set(rows.map((r) => r[parent]))];
        if (parents.length) await sql`delete from ${sql.table(table)} where ${sql.ref(parent)} in (${sql.join(parents)})`.execute(trx);
        for (const row of rows) {
          await sql`insert into ${sql.table(table)} (${sql.join(Object.keys(row).map((c) => sql.ref(c)))}) values (${sql.join(Object.values(row))})`.execute(
            trx,
          );
        }
      }
    });
    this.cached = undefined;
  }

  /** The objects requests can name, as they are now, in the order they were made. */
  async pool(): Promise<Pool> {
    if (this.cached) return this.cached;
    // The order rows were made in: SQLite's rowid; PostgreSQL's ctid (where the row lies), the same for rows not updated since.
    const made = engineOf(this.svc.ctx.db) === "postgres" ? "ctid" : "rowid";
    const q = async (query: string): Promise<PoolEntry[]> =>
      (await sql<PoolEntry>`${sql.raw(query.replace(/\browid\b/g, made))}`.execute(this.svc.ctx.db)).rows;
    // An upload a save has claimed is on its way to becoming content; requests name the others.
    const rows = (await sql<Row>`select * from uploads order by ${sql.raw(made)}`.execute(this.svc.ctx.db)).rows;
    const uploads = rows.filter((u) => !u.claimed_at).map((u) => ({ id: String(u.id), owner: String(u.user_id) }));
    const present: PoolEntry[] = [];
    for (const u of uploads) {
      const upload = await uploadStore(this.svc.config)
        .getUpload(u.id)
        .catch(() => undefined);
      const offset = upload?.offset;
      if (upload && offset !== undefined) present.push({ ...u, length: upload.size, offset, remaining: (upload.size ?? offset) - offset });
    }
    this.cached = {
      case: await q('select id, access_group_id as "group" from cases order by rowid'),
      document: await q(
        `select d.id, d.owner_id as owner, ${GROUP_OF_DOCUMENT} as "group" from documents d left join cases c on c.id = d.case_id order by d.rowid`,
      ),
      attachment: await q(
        `select a.id, a.document_id as parent, d.owner_id as owner, ${GROUP_OF_DOCUMENT} as "group" from attachments a join documents d on d.id = a.document_id left join cases c on c.id = d.case_id order by a.rowid`,
      ),
      reference: await q(
        `select r.id, r.from_document_id as parent, d.owner_id as owner, ${GROUP_OF_DOCUMENT} as "group" from document_references r join documents d on d.id = r.from_document_id left join cases c on c.id = d.case_id order by r.rowid`,
      ),
      user: await q("select id from users order by rowid"),
      token: await q("select id, user_id as parent from api_tokens order by rowid"),
      group: await q("select id from groups order by rowid"),
      accessGroup: await q("select id from access_groups order by rowid"),
      type: await q("select id from document_types order by rowid"),
      rule: await q("select id from retention_rules order by rowid"),
      template: await q("select id from case_templates order by rowid"),
      journalCode: await q("select code as id from journal_plan order by rowid"),
      upload: present,
    };
    return this.cached;
  }

  /** What references in a request by `who` resolve against now. */
  async resolution(who: Who): Promise<Resolution> {
    const userId = this.userIds[who];
    const groups = who === "admin" ? undefined : new Set(userId ? await accessGroupsOf(this.svc.ctx.db, userId) : []);
    return { pool: await this.pool(), userId, groups };
  }

  /** Reads the ETags a request's If-Match names (as the administrator, who sees everything) before it is sent. */
  async readEtags(req: FuzzRequest, r: Resolution): Promise<void> {
    for (const [, value] of req.headers) {
      for (const p of value) {
        if (!(p instanceof Ref) || p.field !== "etag") continue;
        const entry = p.entry(r);
        if (!entry || entry.etag !== undefined) continue;
        // An attachment's or a reference's ETag is its document's.
        const url =
          p.kind === "case"
            ? `/api/cases/${entry.id}`
            : p.kind === "document"
              ? `/api/documents/${entry.id}`
              : entry.parent
                ? `/api/documents/${entry.parent}`
                : undefined;
        if (!url) continue;
        const answer = await send(
          this.svc.url,
          toWire({ route: "etag", who: "admin", auth: "bearer", method: "GET", path: [url], headers: [], chunked: false }, r, this.tokens.admin),
        );
        entry.etag = typeof answer.headers.etag === "string" ? answer.headers.etag : '"none"';
      }
    }
  }

  /** After a request that may have changed the world: reference data back, uploads topped up, names re-read. */
  async afterChange(): Promise<void> {
    await this.settle();
    await this.restore();
    await this.replenish();
  }

  /** Waits until background work a request started (mail parsing, an upload row's removal) is done. */
  async settle(): Promise<void> {
    await this.svc.jobsIdle();
    await new Promise((r) => setTimeout(r, 1));
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }

  async snapshot(): Promise<Snapshot> {
    const db = this.svc.ctx.db;
    // The search index follows the records in the background: brought up to date first, it is compared too
    // (a refused request notes nothing stale, so the index must not change either).
    await indexStale(db);
    const names = (await db.introspection.getTables()).filter((t) => !t.isView).map((t) => t.name);
    const tables = new Map<string, { rows: number; hash: string }>();
    for (const name of names.filter((n) => !REQUEST_RECORDS.has(n))) {
      const rows = (await this.rows(name)).map((r) => JSON.stringify(Object.entries(r).filter(([c]) => !TOUCHED.has(`${name}.${c}`)))).sort();
      tables.set(name, { rows: rows.length, hash: createHash("sha256").update(rows.join("\n")).digest("hex") });
    }
    const files = new Map<string, number>();
    const dataDir = this.svc.dataDir;
    for (const dir of [this.svc.config.blobDir, path.join(dataDir, "tmp"), this.svc.config.uploadDir]) {
      if (!fs.existsSync(dir)) continue;
      for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!e.isFile()) continue;
        const file = path.join(e.parentPath, e.name);
        const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
        if (size !== undefined) files.set(path.relative(dataDir, file), size);
      }
    }
    return { tables, files };
  }
}

/** What changed between two snapshots, in words; empty when nothing did. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [name, a] of after.tables) {
    const b = before.tables.get(name);
    if (!b) out.push(`new table ${name}`);
    else if (b.rows !== a.rows) out.push(`table ${name}: ${b.rows} → ${a.rows} rows`);
    else if (b.hash !== a.hash) out.push(`table ${name}: rows changed`);
  }
  for (const [file, size] of after.files) {
    const was = before.files.get(file);
    if (was === undefined) out.push(`new file ${file} (${size} bytes)`);
    else if (was !== size) out.push(`file ${file}: ${was} → ${size} bytes`);
  }
  for (const file of before.files.keys()) if (!after.files.has(file)) out.push(`file ${file} removed`);
  return out;
}
