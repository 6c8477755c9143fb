import { expect } from "chai";
import request from "supertest";
import { bearer, binary, sha256 } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

interface VersionView {
  version: string;
  filename: string;
  size: number;
  sha256: string;
  authorId: string;
  comment: string;
}
interface DocumentView {
  id: string;
  title: string;
  status: string;
  etag: string;
  caseId: string | null;
  documentTypeId: string;
  documentDate: string | null;
  disposalDate: string | null;
  createdAt: string;
  currentVersion: VersionView;
  versions: VersionView[];
  attachments: Array<{ id: string; title: string; versions: VersionView[] }>;
  comments: Array<{ id: string; body: string; authorId: string; authorName: string }>;
  references: { outgoing: Array<{ id: string; kind: string; documentId: string }>; incoming: Array<{ id: string; kind: string; documentId: string }> };
  history: Array<{ field: string; from: string | null; to: string | null; actorId: string; actorName: string }>;
}

describe("document versions, content and related parts", () => {
  let svc: TestService;
  let w: World;
  let caseId: string;
  let otherCaseId: string;
  const api = () => request(svc.url);

  function save(token: string, metadata: Record<string, unknown>, bytes: Buffer, filename: string, idempotencyKey?: string) {
    const req = api().post("/api/documents").auth(token, bearer);
    if (idempotencyKey) req.set("Idempotency-Key", idempotencyKey);
    return req.field("metadata", JSON.stringify(metadata)).attach("file", bytes, { filename, contentType: "text/plain" });
  }
  async function saved(token: string, metadata: Record<string, unknown>, bytes: Buffer, filename: string): Promise<DocumentView> {
    const res = await save(token, metadata, bytes, filename);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const newVersion = (id: string, bytes: Buffer, ifMatch: string | undefined, filename = "indhold.txt", comment?: string) => {
    const req = api().post(`/api/documents/${id}/versions`).auth(w.tokens.alice, bearer);
    if (ifMatch !== undefined) req.set("If-Match", ifMatch);
    return req.field("metadata", JSON.stringify(comment ? { comment } : {})).attach("file", bytes, { filename, contentType: "text/plain" });
  };
  const details = async (id: string, token = w.tokens.alice): Promise<DocumentView> =>
    (await api().get(`/api/documents/${id}`).auth(token, bearer).expect(200)).body;
  const download = (path: string, token = w.tokens.alice) => api().get(path).auth(token, bearer).buffer(true).parse(binary);
  const versionCount = async (documentId: string) =>
    (await svc.ctx.db.selectFrom("versions").select("id").where("document_id", "=", documentId).execute()).length;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const mk = async (title: string) =>
      (
        await api()
          .post("/api/cases")
          .auth(w.tokens.alice, bearer)
          .send({ templateId: w.templates.pupil, title, metadata: { elevnummer: "E-1" } })
          .expect(201)
      ).body.id;
    caseId = await mk("Elev 1");
    otherCaseId = await mk("Elev 2");
  });
  after(() => svc.dispose());

  describe("versions and If-Match", () => {
    const v10 = Buffer.from("Budgetark version 1.0\n");
    const v11 = Buffer.from("Budgetark version 1.1 — rettet\n");
    const v12 = Buffer.from("Budgetark version 1.2 — godkendt\n");
    let doc: DocumentView;

    before(async () => {
      doc = await saved(w.tokens.alice, { documentTypeId: w.types.pupil, caseId }, v10, "Budgetark.txt");
    });

    it("the first content is version 1.0 and the document's ETag names it", async () => {
      expect(doc.currentVersion).to.include({ version: "1.0", sha256: sha256(v10), size: v10.length, filename: "Budgetark.txt", authorId: w.users.alice });
      const res = await api().get(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).expect(200);
      expect(res.headers.etag).to.equal(doc.etag);
      expect(res.body.status).to.equal("draft");
    });

    it("new content with the current ETag makes 1.1, then 1.2", async () => {
      const r1 = await newVersion(doc.id, v11, doc.etag, "Budgetark.txt", "rettet tal").expect(201);
      expect(r1.body.currentVersion).to.include({ version: "1.1", sha256: sha256(v11), comment: "rettet tal" });
      expect(r1.headers.etag).to.equal(r1.body.etag).and.not.equal(doc.etag);
      const r2 = await newVersion(doc.id, v12, r1.headers.etag).expect(201);
      expect(r2.body.currentVersion).to.include({ version: "1.2", sha256: sha256(v12) });
      expect(r2.body.versions.map((v: VersionView) => v.version)).to.deep.equal(["1.0", "1.1", "1.2"]);
      doc = r2.body;
    });

    it("a stale If-Match is answered 412 with the current ETag and nothing is stored", async () => {
      const stale = '"00000000-0000-0000-0000-000000000000"';
      const bytes = Buffer.from("en forældet redigering der ikke må gemmes\n");
      const before = await versionCount(doc.id);
      const res = await newVersion(doc.id, bytes, stale).expect(412);
      expect(res.type).to.equal("application/problem+json");
      expect(res.body).to.include({ code: "precondition_failed", status: 412, currentEtag: doc.etag });
      expect(await versionCount(doc.id)).to.equal(before);
      expect(await svc.ctx.blobs.stat(sha256(bytes))).to.equal(null);
      expect((await details(doc.id)).currentVersion.version).to.equal("1.2");
    });

    it("an ETag from before the last version is stale too", async () => {
      const first = `"${(await svc.ctx.db.selectFrom("versions").select("id").where("document_id", "=", doc.id).where("minor", "=", 0).executeTakeFirstOrThrow()).id}"`;
      const res = await newVersion(doc.id, Buffer.from("for gammel\n"), first).expect(412);
      expect(res.body.currentEtag).to.equal(doc.etag);
    });

    it("new content without If-Match is answered 428 and nothing is stored", async () => {
      const bytes = Buffer.from("uden If-Match\n");
      const before = await versionCount(doc.id);
      const res = await newVersion(doc.id, bytes, undefined).expect(428);
      expect(res.body.code).to.equal("if_match_required");
      expect(await versionCount(doc.id)).to.equal(before);
      expect(await svc.ctx.blobs.stat(sha256(bytes))).to.equal(null);
    });

    it("a metadata change with a stale If-Match is answered 412 and changes nothing", async () => {
      const res = await api()
        .patch(`/api/documents/${doc.id}`)
        .auth(w.tokens.alice, bearer)
        .set("If-Match", '"stale"')
        .send({ status: "final", title: "Ny titel" })
        .expect(412);
      expect(res.body.currentEtag).to.equal(doc.etag);
      const shown = await details(doc.id);
      expect(shown).to.include({ status: "draft", title: "Budgetark", etag: doc.etag });
      expect(shown.history).to.deep.equal([]);
    });

    it("marking the document final makes the next major version of the same content, and new content after it is 2.1", async () => {
      const res = await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).set("If-Match", doc.etag).send({ status: "final" }).expect(200);
      expect(res.body.status).to.equal("final");
      expect(res.body.currentVersion).to.include({ version: "2.0", sha256: sha256(v12), size: v12.length });
      expect(res.body.versions.map((v: VersionView) => v.version)).to.deep.equal(["1.0", "1.1", "1.2", "2.0"]);
      expect(res.headers.etag).to.equal(res.body.etag).and.not.equal(doc.etag);
      const stale = await newVersion(doc.id, Buffer.from("efter endelig\n"), doc.etag).expect(412);
      expect(stale.body.currentEtag).to.equal(res.body.etag);
      const v21 = Buffer.from("Budgetark 2.1\n");
      const next = await newVersion(doc.id, v21, res.body.etag).expect(201);
      expect(next.body.currentVersion).to.include({ version: "2.1", sha256: sha256(v21) });
      doc = next.body;
    });

    it("a caseworker cannot turn a final document back into a draft", async () => {
      const res = await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).send({ status: "draft" }).expect(409);
      expect(res.body.code).to.equal("document_final");
      expect((await details(doc.id)).status).to.equal("final");
    });

    it("downloads the bytes of an older version by its number", async () => {
      const old = await download(`/api/documents/${doc.id}/content?version=1.0`).expect(200);
      expect(Buffer.compare(old.body, v10)).to.equal(0);
      const mid = await download(`/api/documents/${doc.id}/content?version=1.2`).expect(200);
      expect(Buffer.compare(mid.body, v12)).to.equal(0);
      const current = await download(`/api/documents/${doc.id}/content`).expect(200);
      expect(sha256(current.body)).to.equal(doc.currentVersion.sha256);
      expect(current.headers.etag).to.equal(`"${doc.currentVersion.sha256}"`);
      const missing = await api().get(`/api/documents/${doc.id}/content?version=7.3`).auth(w.tokens.alice, bearer).expect(404);
      expect(missing.body.code).to.equal("not_found");
    });

    it("a Range request gets 206 with exactly that slice", async () => {
      const res = await download(`/api/documents/${doc.id}/content?version=1.1`).set("Range", "bytes=10-19").expect(206);
      expect(Buffer.compare(res.body, v11.subarray(10, 20))).to.equal(0);
      expect(res.headers["content-range"]).to.equal(`bytes 10-19/${v11.length}`);
      expect(res.headers["accept-ranges"]).to.equal("bytes");
      const tail = await download(`/api/documents/${doc.id}/content?version=1.1`).set("Range", "bytes=-5").expect(206);
      expect(Buffer.compare(tail.body, v11.subarray(v11.length - 5))).to.equal(0);
    });

    it("If-None-Match with the content's ETag is answered 304", async () => {
      const first = await download(`/api/documents/${doc.id}/content?version=1.0`).expect(200);
      const res = await api()
        .get(`/api/documents/${doc.id}/content?version=1.0`)
        .auth(w.tokens.alice, bearer)
        .set("If-None-Match", first.headers.etag)
        .expect(304);
      expect(res.text ?? "").to.equal("");
      await download(`/api/documents/${doc.id}/content?version=1.1`).set("If-None-Match", first.headers.etag).expect(200);
    });

    it("inline=1 shows the content inline under a sandboxing CSP", async () => {
      const res = await download(`/api/documents/${doc.id}/content?inline=1`).expect(200);
      expect(res.headers["content-disposition"]).to.match(/^inline;/);
      expect(res.headers["content-security-policy"]).to.contain("sandbox");
      expect(res.headers["x-content-type-options"]).to.equal("nosniff");
      const attached = await download(`/api/documents/${doc.id}/content`).expect(200);
      expect(attached.headers["content-disposition"]).to.match(/^attachment;/);
      // Like every API answer, a download can run nothing even if a browser is talked into rendering it.
      expect(attached.headers["content-security-policy"]).to.equal("default-src 'none'; frame-ancestors 'none'; sandbox");
    });
  });

  describe("metadata history", () => {
    it("keeps who changed the title, the document type (with the disposal date it brings) and the document date, from what to what", async () => {
      const doc = await saved(w.tokens.alice, { documentTypeId: w.types.pupil, caseId, title: "Indstillingsnotat" }, Buffer.from("notat\n"), "notat.txt");
      expect(doc.disposalDate).to.equal(null);
      await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).send({ title: "Indstillingsnotat (rettet)" }).expect(200);
      const typed = await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.carl, bearer).send({ documentTypeId: w.types.letter }).expect(200);
      const due = `${Number(doc.createdAt.slice(0, 4)) + 10}${doc.createdAt.slice(4, 10)}`.replace(/-02-29$/, "-02-28");
      expect(typed.body.disposalDate).to.equal(due);
      expect(typed.body.documentTypeId).to.equal(w.types.letter);
      expect(typed.body.category).to.equal("Korrespondance");
      await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).send({ documentDate: "2019-06-30" }).expect(200);
      await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).send({ documentDate: null }).expect(200);
      const history = (await details(doc.id)).history.map(({ field, from, to, actorId, actorName }) => ({ field, from, to, actorId, actorName }));
      const alice = { actorId: w.users.alice, actorName: "Alice Sagsbehandler" };
      const carl = { actorId: w.users.carl, actorName: "Carl Kollega" };
      expect(history).to.deep.include.members([
        { field: "title", from: "Indstillingsnotat", to: "Indstillingsnotat (rettet)", ...alice },
        { field: "documentType", from: w.types.pupil, to: w.types.letter, ...carl },
        { field: "category", from: "Elevdokument", to: "Korrespondance", ...carl },
        { field: "disposalDate", from: null, to: due, ...carl },
        { field: "documentDate", from: null, to: "2019-06-30", ...alice },
        { field: "documentDate", from: "2019-06-30", to: null, ...alice },
      ]);
      expect(history).to.have.length(6);
      // A change to the same value is no change and leaves no history.
      await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).send({ title: "Indstillingsnotat (rettet)" }).expect(200);
      expect((await details(doc.id)).history).to.have.length(6);
    });

    it("a document type the case's template does not allow is refused", async () => {
      const doc = await saved(w.tokens.alice, { documentTypeId: w.types.pupil, caseId }, Buffer.from("x\n"), "x.txt");
      const res = await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).send({ documentTypeId: w.types.minutes }).expect(422);
      expect(res.body.code).to.equal("document_type_not_allowed");
      expect((await details(doc.id)).history).to.deep.equal([]);
    });
  });

  describe("attachments", () => {
    it("are added, get their own versions, and each version downloads", async () => {
      const doc = await saved(
        w.tokens.alice,
        { documentTypeId: w.types.pupil, caseId, title: "Optagelsesdokument" },
        Buffer.from("optagelse\n"),
        "Optagelse.txt",
      );
      const a1 = Buffer.from("Forside — version 1\n");
      const a2 = Buffer.from("Forside — version 2, rettet\n");
      const added = await api()
        .post(`/api/documents/${doc.id}/attachments`)
        .auth(w.tokens.alice, bearer)
        .field("metadata", JSON.stringify({ title: "Forside - Styrelsen for It og Læring" }))
        .attach("file", a1, { filename: "Forside - Styrelsen for It og Læring.pdf", contentType: "application/pdf" })
        .expect(201);
      expect(added.body).to.include({ title: "Forside - Styrelsen for It og Læring", version: "1.0" });
      const attachmentId = added.body.id;
      const next = await api()
        .post(`/api/documents/${doc.id}/attachments/${attachmentId}/versions`)
        .auth(w.tokens.alice, bearer)
        .field("metadata", JSON.stringify({ comment: "rettet forside" }))
        .attach("file", a2, { filename: "Forside.pdf", contentType: "application/pdf" })
        .expect(201);
      expect(next.body).to.deep.equal({ id: attachmentId, version: "1.1" });
      const shown = await details(doc.id);
      expect(shown.currentVersion.version).to.equal("1.0");
      expect(shown.versions.map((v) => v.version)).to.deep.equal(["1.0"]);
      expect(shown.attachments).to.have.length(1);
      expect(shown.attachments[0].versions.map((v) => [v.version, v.sha256, v.comment])).to.deep.equal([
        ["1.0", sha256(a1), ""],
        ["1.1", sha256(a2), "rettet forside"],
      ]);
      const base = `/api/documents/${doc.id}/attachments/${attachmentId}/content`;
      expect(Buffer.compare((await download(`${base}?version=1.0`).expect(200)).body, a1)).to.equal(0);
      expect(Buffer.compare((await download(`${base}?version=1.1`).expect(200)).body, a2)).to.equal(0);
      const current = await download(base).expect(200);
      expect(Buffer.compare(current.body, a2)).to.equal(0);
      expect(current.headers["content-type"]).to.match(/^application\/pdf/);
      expect(current.headers["content-disposition"]).to.contain("Forside.pdf");
      await api().get(`/api/documents/${doc.id}/attachments/00000000-0000-0000-0000-000000000000/content`).auth(w.tokens.alice, bearer).expect(404);
    });
  });

  describe("comments and references", () => {
    let a: DocumentView;
    let b: DocumentView;
    before(async () => {
      a = await saved(w.tokens.alice, { documentTypeId: w.types.letter, caseId, title: "Ansøgning" }, Buffer.from("ansøgning\n"), "a.txt");
      b = await saved(w.tokens.alice, { documentTypeId: w.types.letter, caseId, title: "Svar på ansøgning" }, Buffer.from("svar\n"), "b.txt");
    });

    it("comments are kept with the document, with their author", async () => {
      const c1 = await api().post(`/api/documents/${a.id}/comments`).auth(w.tokens.alice, bearer).send({ body: "Husk budgetkontrol" }).expect(201);
      expect(c1.body).to.include({ body: "Husk budgetkontrol", authorId: w.users.alice });
      await api().post(`/api/documents/${a.id}/comments`).auth(w.tokens.carl, bearer).send({ body: "Set og godkendt ✓" }).expect(201);
      const shown = await details(a.id);
      expect(shown.comments.map(({ body, authorId, authorName }) => ({ body, authorId, authorName }))).to.deep.equal([
        { body: "Husk budgetkontrol", authorId: w.users.alice, authorName: "Alice Sagsbehandler" },
        { body: "Set og godkendt ✓", authorId: w.users.carl, authorName: "Carl Kollega" },
      ]);
      expect(shown.comments[0].id).to.equal(c1.body.id);
    });

    it("a reference is added, shown from both ends, refused twice or to itself, and removed", async () => {
      const ref = await api().post(`/api/documents/${b.id}/references`).auth(w.tokens.alice, bearer).send({ toDocumentId: a.id, kind: "reply_to" }).expect(201);
      expect(ref.body).to.include({ kind: "reply_to", documentId: a.id, title: "Ansøgning" });
      expect((await details(b.id)).references.outgoing.map(({ id, kind, documentId }) => ({ id, kind, documentId }))).to.deep.equal([
        { id: ref.body.id, kind: "reply_to", documentId: a.id },
      ]);
      expect((await details(a.id)).references.incoming.map(({ id, kind, documentId }) => ({ id, kind, documentId }))).to.deep.equal([
        { id: ref.body.id, kind: "reply_to", documentId: b.id },
      ]);

      const dup = await api().post(`/api/documents/${b.id}/references`).auth(w.tokens.alice, bearer).send({ toDocumentId: a.id, kind: "reply_to" }).expect(409);
      expect(dup.body.code).to.equal("reference_exists");
      await api().post(`/api/documents/${b.id}/references`).auth(w.tokens.alice, bearer).send({ toDocumentId: a.id, kind: "relates_to" }).expect(201);
      const self = await api()
        .post(`/api/documents/${a.id}/references`)
        .auth(w.tokens.alice, bearer)
        .send({ toDocumentId: a.id, kind: "relates_to" })
        .expect(422);
      expect(self.body.code).to.equal("self_reference");

      await api().delete(`/api/documents/${b.id}/references/${ref.body.id}`).auth(w.tokens.alice, bearer).expect(204);
      expect((await details(b.id)).references.outgoing.map((r) => r.kind)).to.deep.equal(["relates_to"]);
      expect((await details(a.id)).references.incoming.map((r) => r.kind)).to.deep.equal(["relates_to"]);
      await api().delete(`/api/documents/${b.id}/references/${ref.body.id}`).auth(w.tokens.alice, bearer).expect(404);
    });
  });

  describe("filing a floating document", () => {
    it("a floating document is filed into a case once; its type must be allowed there", async () => {
      const floating = await saved(w.tokens.alice, { documentTypeId: w.types.note }, Buffer.from("flydende notat\n"), "notat.txt");
      expect(floating.caseId).to.equal(null);
      const minutes = await saved(w.tokens.alice, { documentTypeId: w.types.minutes }, Buffer.from("referat\n"), "referat.txt");
      const refused = await api().post(`/api/documents/${minutes.id}/file`).auth(w.tokens.alice, bearer).send({ caseId }).expect(422);
      expect(refused.body.code).to.equal("document_type_not_allowed");
      expect((await details(minutes.id)).caseId).to.equal(null);

      const filed = await api().post(`/api/documents/${floating.id}/file`).auth(w.tokens.alice, bearer).send({ caseId }).expect(200);
      expect(filed.body.caseId).to.equal(caseId);
      expect(filed.body.case).to.include({ id: caseId, title: "Elev 1" });
      expect(filed.body.history.map((h: { field: string; to: string }) => [h.field, h.to])).to.deep.include(["caseId", caseId]);
      const again = await api().post(`/api/documents/${floating.id}/file`).auth(w.tokens.alice, bearer).send({ caseId: otherCaseId }).expect(409);
      expect(again.body.code).to.equal("already_filed");
      expect((await details(floating.id)).caseId).to.equal(caseId);
    });

    it("filing recomputes the disposal date from the case it lands in", async () => {
      const closed = (
        await api()
          .post("/api/cases")
          .auth(w.tokens.alice, bearer)
          .send({ templateId: w.templates.pupil, title: "Afsluttet elev", startDate: "2019-08-01", metadata: { elevnummer: "E-7" } })
          .expect(201)
      ).body.id;
      await api().post(`/api/cases/${closed}/close`).auth(w.tokens.alice, bearer).send({ endDate: "2022-06-30" }).expect(200);
      const floating = await saved(w.tokens.alice, { documentTypeId: w.types.pupil }, Buffer.from("fundet i postkassen\n"), "elev.txt");
      expect(floating.disposalDate).to.equal(null);
      // A caseworker cannot file into a closed case; an administrator can, and the closed case's date applies.
      const refused = await api().post(`/api/documents/${floating.id}/file`).auth(w.tokens.alice, bearer).send({ caseId: closed }).expect(409);
      expect(refused.body.code).to.equal("case_closed");
      const filed = await api().post(`/api/documents/${floating.id}/file`).auth(ADMIN_TOKEN, bearer).send({ caseId: closed }).expect(200);
      expect(filed.body.disposalDate).to.equal("2027-06-30");
      expect(filed.body.history.map((h: { field: string; from: string | null; to: string }) => [h.field, h.from, h.to])).to.deep.include([
        "disposalDate",
        null,
        "2027-06-30",
      ]);
    });
  });

  describe("deleting", () => {
    it("only an administrator deletes a document; afterwards it is gone", async () => {
      const doc = await saved(w.tokens.alice, { documentTypeId: w.types.pupil, caseId }, Buffer.from("skal slettes\n"), "slet.txt");
      const refused = await api().delete(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).expect(403);
      expect(refused.body.code).to.be.a("string");
      await details(doc.id);
      await api().delete(`/api/documents/${doc.id}`).query({ reason: "fejlarkiveret" }).auth(ADMIN_TOKEN, bearer).expect(204);
      await api().get(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).expect(404);
      await api().get(`/api/documents/${doc.id}`).auth(ADMIN_TOKEN, bearer).expect(404);
      await api().get(`/api/documents/${doc.id}/content`).auth(ADMIN_TOKEN, bearer).expect(404);
      expect(await versionCount(doc.id)).to.equal(0);
      await api().delete(`/api/documents/${doc.id}`).auth(ADMIN_TOKEN, bearer).expect(404);
    });
  });

  describe("listing documents", () => {
    async function walk(token: string, query: Record<string, string | number>): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await api()
          .get("/api/documents")
          .auth(token, bearer)
          .query({ ...query, ...(cursor ? { cursor } : {}) })
          .expect(200);
        ids.push(...res.body.items.map((d: { id: string }) => d.id));
        cursor = res.body.nextCursor;
        expect(++pages).to.be.below(100);
      } while (cursor);
      return ids;
    }

    it("lists a case's documents page by page, newest change first, without duplicates or gaps", async () => {
      const listed = await svc.ctx.db.selectFrom("documents").select("id").where("case_id", "=", otherCaseId).execute();
      expect(listed).to.have.length(0);
      const made: string[] = [];
      for (let i = 0; i < 7; i++)
        made.push((await saved(w.tokens.alice, { documentTypeId: w.types.letter, caseId: otherCaseId }, Buffer.from(`brev ${i}\n`), `brev-${i}.txt`)).id);
      const paged = await walk(w.tokens.alice, { caseId: otherCaseId, limit: 3 });
      expect(paged).to.have.length(7);
      expect(new Set(paged).size).to.equal(7);
      expect(paged).to.have.members(made);
      const full = await api().get("/api/documents").auth(w.tokens.alice, bearer).query({ caseId: otherCaseId }).expect(200);
      expect(full.body.items.map((d: { id: string }) => d.id)).to.deep.equal(paged);
      const keys = full.body.items.map((d: { changedAt: string; id: string }) => `${d.changedAt}|${d.id}`);
      expect(keys).to.deep.equal([...keys].sort().reverse());
    });

    it("floating=true lists only documents outside any case", async () => {
      const floats: string[] = [];
      for (let i = 0; i < 4; i++) floats.push((await saved(w.tokens.carl, { documentTypeId: w.types.note }, Buffer.from(`løs ${i}\n`), `løs-${i}.txt`)).id);
      const paged = await walk(w.tokens.carl, { floating: "true", limit: 2 });
      expect(paged).to.include.members(floats);
      expect(new Set(paged).size).to.equal(paged.length);
      const rows = await svc.ctx.db.selectFrom("documents").select(["id", "case_id", "owner_id"]).where("case_id", "is", null).execute();
      for (const id of paged) expect(rows.map((r) => r.id)).to.include(id);
      const all = await walk(w.tokens.carl, { limit: 200 });
      expect(all.length).to.be.greaterThan(paged.length);
    });
  });

  describe("idempotency", () => {
    it("the same Idempotency-Key twice gives the first document back with 200 and stores only one", async () => {
      const key = "gem-i-ims-case-7f3a9c21";
      // Bytes of their own: the same mail in the same case a second time would be refused as filed already.
      const bytes = Buffer.from(`Gemt fra Outlook (${key})\n`);
      const first = await save(
        w.tokens.alice,
        { documentTypeId: w.types.letter, caseId: otherCaseId, title: "Mail fra forælder" },
        bytes,
        "mail.eml",
        key,
      ).expect(201);
      const second = await save(
        w.tokens.alice,
        { documentTypeId: w.types.letter, caseId: otherCaseId, title: "Mail fra forælder" },
        bytes,
        "mail.eml",
        key,
      ).expect(200);
      expect(second.body.id).to.equal(first.body.id);
      expect(second.body.currentVersion.sha256).to.equal(sha256(bytes));
      const rows = await svc.ctx.db.selectFrom("documents").select("id").where("title", "=", "Mail fra forælder").execute();
      expect(rows).to.have.length(1);
      // The key is the user's own: someone else using the same key makes their own document (saying the mail may be filed twice).
      const carl = await save(
        w.tokens.carl,
        { documentTypeId: w.types.letter, caseId: otherCaseId, title: "Mail fra forælder", allowDuplicate: true },
        bytes,
        "mail.eml",
        key,
      ).expect(201);
      expect(carl.body.id).to.not.equal(first.body.id);
    });

    it("two saves with the same key at the same time make one document", async () => {
      const key = "gem-samtidig-0c1d2e3f";
      const bytes = Buffer.from("Gemt to gange samtidig\n");
      const meta = { documentTypeId: w.types.letter, caseId: otherCaseId, title: "Samtidig gemning" };
      const [a, b] = await Promise.all([save(w.tokens.alice, meta, bytes, "samtidig.txt", key), save(w.tokens.alice, meta, bytes, "samtidig.txt", key)]);
      expect([a.status, b.status].sort()).to.deep.equal([200, 201]);
      expect(a.body.id).to.equal(b.body.id);
      const rows = await svc.ctx.db.selectFrom("documents").select("id").where("title", "=", "Samtidig gemning").execute();
      expect(rows).to.have.length(1);
      expect(await versionCount(rows[0].id)).to.equal(1);
    });
  });
});
