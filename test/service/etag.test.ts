import { expect } from "chai";
import request from "supertest";
import { ApiError, ImsClient } from "../../shared/api/client.ts";
import { fetchTransport } from "../../shared/api/transport.ts";
import type { CaseSummary, DocumentDetails } from "../../shared/api/types.ts";
import { ifMatchHolds } from "../../service/http/preconditions.ts";
import { bearer } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

type DocumentView = DocumentDetails & { history: Array<{ field: string; from: string | null; to: string | null }> };

describe("ETags and If-Match on documents and cases", () => {
  let svc: TestService;
  let w: World;
  const api = () => request(svc.url);

  async function newCase(title: string, token = w.tokens.alice): Promise<CaseSummary> {
    const res = await api()
      .post("/api/cases")
      .auth(token, bearer)
      .send({ templateId: w.templates.pupil, title, metadata: { elevnummer: "E-7" } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.headers.etag).to.equal(res.body.etag);
    return res.body;
  }
  async function newDocument(title: string, caseId: string | null, documentTypeId = w.types.pupil): Promise<DocumentView> {
    const res = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId, caseId, title }))
      .attach("file", Buffer.from(`${title}\n`), { filename: `${title}.txt`, contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.headers.etag).to.equal(res.body.etag);
    return res.body;
  }
  const patchDocument = (id: string, body: Record<string, unknown>, ifMatch?: string) => {
    const req = api().patch(`/api/documents/${id}`).auth(w.tokens.alice, bearer);
    if (ifMatch !== undefined) req.set("If-Match", ifMatch);
    return req.send(body);
  };
  const patchCase = (id: string, body: Record<string, unknown>, ifMatch?: string) => {
    const req = api().patch(`/api/cases/${id}`).auth(w.tokens.alice, bearer);
    if (ifMatch !== undefined) req.set("If-Match", ifMatch);
    return req.send(body);
  };
  const newVersion = (id: string, ifMatch: string, text: string) =>
    api()
      .post(`/api/documents/${id}/versions`)
      .auth(w.tokens.alice, bearer)
      .set("If-Match", ifMatch)
      .field("metadata", "{}")
      .attach("file", Buffer.from(text), { filename: "ny.txt", contentType: "text/plain" });
  const documentNow = async (id: string): Promise<{ etag: string; body: DocumentView }> => {
    const res = await api().get(`/api/documents/${id}`).auth(w.tokens.alice, bearer).expect(200);
    expect(res.headers.etag).to.equal(res.body.etag);
    return { etag: res.headers.etag, body: res.body };
  };
  const caseNow = async (id: string): Promise<{ etag: string; body: CaseSummary }> => {
    const res = await api().get(`/api/cases/${id}`).auth(w.tokens.alice, bearer).expect(200);
    expect(res.headers.etag).to.equal(res.body.etag);
    return { etag: res.headers.etag, body: res.body };
  };
  const caseUpdates = async (id: string) =>
    (await svc.ctx.db.selectFrom("audit_events").select("seq").where("object_id", "=", id).where("action", "=", "case.update").execute()).length;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  describe("documents", () => {
    let caseId: string;
    before(async () => {
      caseId = (await newCase("Elev til ETag-prøver")).id;
    });

    it("of 50 metadata changes sent at once with the same If-Match exactly one lands, the others are answered 412, and the history shows one change", async () => {
      const doc = await newDocument("Samtidige rettelser", caseId);
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => patchDocument(doc.id, { title: `Titel nr. ${i}` }, doc.etag)));
      const won = answers.filter((r) => r.status === 200);
      const refused = answers.filter((r) => r.status === 412);
      expect(won).to.have.length(1);
      expect(refused).to.have.length(49);
      const now = await documentNow(doc.id);
      expect(now.body.title).to.equal(won[0].body.title);
      expect(now.etag).to.equal(won[0].headers.etag).and.not.equal(doc.etag);
      expect(now.body.history.map((h) => [h.field, h.from, h.to])).to.deep.equal([["title", "Samtidige rettelser", won[0].body.title]]);
      for (const r of refused) {
        expect(r.type).to.equal("application/problem+json");
        expect(r.body).to.include({ status: 412, code: "precondition_failed" });
        expect(r.body.currentEtag).to.be.a("string").and.not.equal(doc.etag);
      }
      // Each refusal named the state it met: the one the winning change made.
      expect(new Set(refused.map((r) => r.body.currentEtag))).to.deep.equal(new Set([now.etag]));
    });

    it("a 412 names the current ETag in its body and its header and changes nothing", async () => {
      const doc = await newDocument("Forældet rettelse", caseId);
      await patchDocument(doc.id, { title: "Første rettelse" }, doc.etag).expect(200);
      const now = await documentNow(doc.id);
      const res = await patchDocument(doc.id, { title: "Anden rettelse", documentDate: "2026-01-02" }, doc.etag).expect(412);
      expect(res.body.currentEtag).to.equal(now.etag);
      expect(res.headers.etag).to.equal(now.etag);
      const after = await documentNow(doc.id);
      expect(after.etag).to.equal(now.etag);
      expect(after.body).to.include({ title: "Første rettelse", documentDate: null });
      expect(after.body.history).to.have.length(1);
    });

    it("the ETag moves on with every change — metadata, final, new content, attachments, filing — and stays when nothing changed", async () => {
      const doc = await newDocument("Etag-rejsen", null);
      const seen = [doc.etag];
      const step = async (res: request.Response) => {
        expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
        const now = await documentNow(doc.id);
        expect(res.headers.etag).to.equal(now.etag);
        expect(seen).to.not.include(now.etag);
        seen.push(now.etag);
        return now.etag;
      };
      let etag = await step(await patchDocument(doc.id, { title: "Etag-rejsen, rettet" }, doc.etag));
      // Sending what the document already is changes nothing, not even its ETag.
      const same = await patchDocument(doc.id, { title: "Etag-rejsen, rettet" }, etag).expect(200);
      expect(same.headers.etag).to.equal(etag);
      expect((await documentNow(doc.id)).etag).to.equal(etag);
      etag = await step(await api().post(`/api/documents/${doc.id}/file`).auth(w.tokens.alice, bearer).set("If-Match", etag).send({ caseId }));
      etag = await step(await newVersion(doc.id, etag, "ny udgave\n"));
      etag = await step(
        await api()
          .post(`/api/documents/${doc.id}/attachments`)
          .auth(w.tokens.alice, bearer)
          .set("If-Match", etag)
          .field("metadata", "{}")
          .attach("file", Buffer.from("bilag\n"), { filename: "bilag.txt", contentType: "text/plain" }),
      );
      etag = await step(await patchDocument(doc.id, { status: "final" }, etag));
      // Looking at a document is no change.
      await documentNow(doc.id);
      expect((await documentNow(doc.id)).etag).to.equal(etag);
      expect(seen).to.have.length(6);
    });

    it("an ETag from before a new version is refused for metadata and for content alike", async () => {
      const doc = await newDocument("Før og efter ny udgave", caseId);
      const v2 = await newVersion(doc.id, doc.etag, "udgave 1.1\n").expect(201);
      expect(v2.headers.etag).to.not.equal(doc.etag);
      const meta = await patchDocument(doc.id, { title: "Gammel viden" }, doc.etag).expect(412);
      expect(meta.body.currentEtag).to.equal(v2.headers.etag);
      const content = await newVersion(doc.id, doc.etag, "udgave fra gammel viden\n").expect(412);
      expect(content.body.currentEtag).to.equal(v2.headers.etag);
      const now = await documentNow(doc.id);
      expect(now.body).to.include({ title: "Før og efter ny udgave" });
      expect(now.body.currentVersion.version).to.equal("1.1");
    });

    it("a colleague's metadata change does not stale the ETag a task pane kept for new content; a newer version does", async () => {
      const doc = await newDocument("Rettet af en kollega", caseId);
      await patchDocument(doc.id, { documentDate: "2026-11-30", title: "Kollegaens titel" }).expect(200);
      // The metadata ETag is stale, the content it names is not: the Word file's next version lands.
      await patchDocument(doc.id, { title: "Gammel viden" }, doc.etag).expect(412);
      const v = await newVersion(doc.id, doc.etag, "ny udgave oven på kollegaens rettelse\n").expect(201);
      const now = await documentNow(doc.id);
      expect(now.body).to.include({ title: "Kollegaens titel", documentDate: "2026-11-30" });
      expect(now.body.currentVersion.version).to.equal("1.1");
      const stale = await newVersion(doc.id, doc.etag, "fra før 1.1\n").expect(412);
      expect(stale.body.currentEtag).to.equal(v.headers.etag);
    });

    it("until a document changes its ETag is its current version's id, the ETag it had before revisions", async () => {
      const doc = await newDocument("Uændret siden gemt", caseId);
      expect(doc.etag).to.equal(`"${doc.currentVersion.id}"`);
      const v = await newVersion(doc.id, `"${doc.currentVersion.id}"`, "næste udgave\n").expect(201);
      expect(v.body.etag).to.not.equal(`"${v.body.currentVersion.id}"`);
    });

    it("If-Match: * changes a document that exists; a weak tag or one not listed does not", async () => {
      const doc = await newDocument("Stjerne og svage mærker", caseId);
      await patchDocument(doc.id, { title: "Svag" }, `W/${doc.etag}`).expect(412);
      await patchDocument(doc.id, { title: "Ukendt" }, '"ikke-dette", "heller-ikke-dette"').expect(412);
      await patchDocument(doc.id, { title: "Uden citationstegn" }, doc.etag.slice(1, -1)).expect(412);
      expect((await documentNow(doc.id)).body.history).to.deep.equal([]);
      const listed = await patchDocument(doc.id, { title: "Blandt flere" }, `"ikke-dette", ${doc.etag}`).expect(200);
      const star = await patchDocument(doc.id, { title: "Stjerne" }, "*").expect(200);
      expect(star.headers.etag).to.not.equal(listed.headers.etag);
      await patchDocument("findes-ikke", { title: "Stjerne" }, "*").expect(404);
    });

    it("without If-Match a change still lands", async () => {
      const doc = await newDocument("Uden forbehold", caseId);
      const res = await patchDocument(doc.id, { title: "Uden forbehold, rettet" }).expect(200);
      expect(res.body.title).to.equal("Uden forbehold, rettet");
      expect(res.headers.etag).to.equal(res.body.etag).and.not.equal(doc.etag);
    });

    it("a comment or a reference is no change to the document: a version saved on its ETag is still taken, and its page is never cached", async () => {
      const doc = await newDocument("Kommenteret udkast", caseId);
      const other = await newDocument("Andet dokument", caseId);
      await api().post(`/api/documents/${doc.id}/comments`).auth(w.tokens.carl, bearer).send({ body: "Ret venligst afsnit 2" }).expect(201);
      await api().post(`/api/documents/${other.id}/references`).auth(w.tokens.alice, bearer).send({ toDocumentId: doc.id, kind: "relates_to" }).expect(201);
      const now = await api().get(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).expect(200);
      expect(now.headers.etag).to.equal(doc.etag);
      expect(now.headers["cache-control"]).to.equal("no-store");
      expect(now.body.comments).to.have.length(1);
      await newVersion(doc.id, doc.etag, "afsnit 2 rettet\n").expect(201);
    });

    it("closing the case moves the ETag of a document whose disposal date follows from it", async () => {
      const c = await newCase("Sag der lukkes");
      const doc = await newDocument("Elevdokument i sagen", c.id, w.types.pupil);
      await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
      const now = await documentNow(doc.id);
      expect(now.body.disposalDate).to.be.a("string");
      expect(now.etag).to.not.equal(doc.etag);
    });

    it("an administrator's delete with a stale If-Match is refused and the document stays", async () => {
      const doc = await newDocument("Slettes ikke på gammel viden", caseId);
      await patchDocument(doc.id, { title: "Rettet inden sletning" }).expect(200);
      await api().delete(`/api/documents/${doc.id}`).auth(w.tokens.admin, bearer).set("If-Match", doc.etag).expect(412);
      const now = await documentNow(doc.id);
      await api().delete(`/api/documents/${doc.id}`).auth(w.tokens.admin, bearer).set("If-Match", now.etag).expect(204);
      await api().get(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).expect(404);
    });
  });

  describe("cases", () => {
    it("of 50 changes to a case sent at once with the same If-Match exactly one lands, the others are answered 412, and the log shows one change", async () => {
      const c = await newCase("Samtidige sagsrettelser");
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => patchCase(c.id, { title: `Sagstitel nr. ${i}` }, c.etag)));
      const won = answers.filter((r) => r.status === 200);
      const refused = answers.filter((r) => r.status === 412);
      expect(won).to.have.length(1);
      expect(refused).to.have.length(49);
      const now = await caseNow(c.id);
      expect(now.body.title).to.equal(won[0].body.title);
      expect(now.etag).to.equal(won[0].headers.etag).and.not.equal(c.etag);
      for (const r of refused) expect(r.body).to.include({ status: 412, code: "precondition_failed", currentEtag: now.etag });
      expect(await caseUpdates(c.id)).to.equal(1);
    });

    it("a case's ETag moves on with a change, with closing and with reopening, and stays when nothing changed", async () => {
      const c = await newCase("Sagens ETag");
      expect((await caseNow(c.id)).etag).to.equal(c.etag);
      const changed = await patchCase(c.id, { critical: true }, c.etag).expect(200);
      expect(changed.headers.etag).to.equal(changed.body.etag).and.not.equal(c.etag);
      const same = await patchCase(c.id, { critical: true }, changed.headers.etag).expect(200);
      expect(same.headers.etag).to.equal(changed.headers.etag);
      expect(await caseUpdates(c.id)).to.equal(1);
      const closed = await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).set("If-Match", changed.headers.etag).send({}).expect(200);
      expect(closed.headers.etag).to.equal(closed.body.etag).and.not.equal(changed.headers.etag);
      const reopened = await api().post(`/api/cases/${c.id}/reopen`).auth(w.tokens.alice, bearer).set("If-Match", closed.headers.etag).expect(200);
      expect(reopened.headers.etag).to.equal((await caseNow(c.id)).etag);
      expect(new Set([c.etag, changed.headers.etag, closed.headers.etag, reopened.headers.etag]).size).to.equal(4);
      const listed = await api().get("/api/cases").auth(w.tokens.alice, bearer).query({ limit: 100 }).expect(200);
      expect(listed.body.items.find((x: CaseSummary) => x.id === c.id).etag).to.equal(reopened.headers.etag);
    });

    it("close and reopen with a stale If-Match are refused and leave the case as it was", async () => {
      const c = await newCase("Lukkes ikke på gammel viden");
      await patchCase(c.id, { title: "Lukkes ikke på gammel viden, rettet" }).expect(200);
      const close = await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).set("If-Match", c.etag).send({}).expect(412);
      expect(close.body).to.include({ code: "precondition_failed", status: 412, caseStatus: "active" });
      expect(close.body.currentEtag).to.equal((await caseNow(c.id)).etag);
      expect((await caseNow(c.id)).body.status).to.equal("active");
      const now = await caseNow(c.id);
      await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).set("If-Match", now.etag).send({}).expect(200);
      await api().post(`/api/cases/${c.id}/reopen`).auth(w.tokens.alice, bearer).set("If-Match", now.etag).expect(412);
      expect((await caseNow(c.id)).body.status).to.equal("closed");
    });

    it("If-Match: * and no If-Match at all still change a case", async () => {
      const c = await newCase("Stjernesag");
      await patchCase(c.id, { title: "Stjernesag, rettet" }, `W/${c.etag}`).expect(412);
      const star = await patchCase(c.id, { title: "Stjernesag, rettet" }, "*").expect(200);
      const plain = await patchCase(c.id, { title: "Stjernesag, rettet igen" }).expect(200);
      expect(new Set([c.etag, star.headers.etag, plain.headers.etag]).size).to.equal(3);
      await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
      await api().post(`/api/cases/${c.id}/reopen`).auth(w.tokens.alice, bearer).set("If-Match", "*").expect(200);
    });
  });

  describe("the shared client", () => {
    const client = (token: string) => new ImsClient({ baseUrl: svc.url, credential: async () => token, transport: fetchTransport() });

    it("sends If-Match on a document change and hands back the ETag it got; a stale one becomes ApiError 412", async () => {
      const api = client(w.tokens.alice);
      const c = await api.createCase({ templateId: w.templates.pupil, title: "Klientens sag", metadata: { elevnummer: "E-8" } });
      const doc = await newDocument("Klientens dokument", c.id);
      const changed = await api.updateDocument(doc.id, { title: "Klientens dokument, rettet" }, { ifMatch: doc.etag });
      expect(changed.etag)
        .to.equal((await documentNow(doc.id)).etag)
        .and.not.equal(doc.etag);
      const err = await api.updateDocument(doc.id, { title: "Forældet" }, { ifMatch: doc.etag }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ApiError);
      expect(err).to.include({ status: 412, code: "precondition_failed", messageKey: "error.stale" });
      expect((err as ApiError).problem?.currentEtag).to.equal(changed.etag);
    });

    it("sends If-Match on case changes, closing and reopening and hands back each new ETag", async () => {
      const api = client(w.tokens.alice);
      const c = await api.createCase({ templateId: w.templates.pupil, title: "Klientens anden sag", metadata: { elevnummer: "E-9" } });
      expect(c.etag).to.equal((await api.getCase(c.id)).etag);
      const changed = await api.updateCase(c.id, { critical: true }, { ifMatch: c.etag });
      const closed = await api.closeCase(c.id, { ifMatch: changed.etag });
      expect(closed.status).to.equal("closed");
      const stale = await api.reopenCase(c.id, { ifMatch: changed.etag }).catch((e: unknown) => e);
      expect(stale).to.include({ status: 412, code: "precondition_failed" });
      const reopened = await api.reopenCase(c.id, { ifMatch: closed.etag });
      expect(reopened.etag).to.equal((await api.getCase(c.id)).etag);
      expect(new Set([c.etag, changed.etag, closed.etag, reopened.etag]).size).to.equal(4);
    });
  });

  describe("reading If-Match", () => {
    it("follows RFC 9110: no header and * hold, tags compare strongly, a list may name the current one", () => {
      expect(ifMatchHolds(undefined, '"a.1"')).to.equal(true);
      expect(ifMatchHolds("*", '"a.1"')).to.equal(true);
      expect(ifMatchHolds(' "a.1" ', '"a.1"')).to.equal(true);
      expect(ifMatchHolds('"b", "a.1"', '"a.1"')).to.equal(true);
      expect(ifMatchHolds('W/"a.1"', '"a.1"')).to.equal(false);
      expect(ifMatchHolds('"a.2"', '"a.1"')).to.equal(false);
      expect(ifMatchHolds("a.1", '"a.1"')).to.equal(false);
      expect(ifMatchHolds("", '"a.1"')).to.equal(false);
      expect(ifMatchHolds('"*"', '"a.1"')).to.equal(false);
    });
  });
});
