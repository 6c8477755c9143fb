import { expect } from "chai";
import { randomUUID } from "node:crypto";
import request from "supertest";
import {
  CASE_KEYS,
  CASES,
  DOCUMENT_KEYS,
  DOCUMENTS,
  PEOPLE,
  RESTRICTED_MAIL,
  relationOf,
  saveDocument,
  type AccessScene,
  type CasePlan,
  type CaseWork,
  type DocumentPlan,
  type Person,
  type SceneCase,
  type SceneDocument,
} from "../support/access-fixture.ts";
import {
  accessMatrix,
  callerLabel,
  expectProblem,
  ids,
  isPerson,
  notExternal,
  show,
  type Caller,
  type ListingProbe,
  type Probe,
  type Reply,
} from "../support/access-probes.ts";

// Who may do what to which case or document. Every row is one request by one person against one object:
// someone who may see the object gets the rule's answer, everyone else a 404 that names nothing, is
// audited as access.refused, and changes nothing. Requests without a valid token get 401. What hangs on a
// case or document (its parties, its tasks, who follows it, the notifications about it, the contact pages
// that list it) is seen with it and only with it: access-matrix-work.test.ts.

let scene: AccessScene;
let work: CaseWork;
const matrix = accessMatrix();
const { db, as, countRows, snapshot, auditCount, expectNoLeak, allItems } = matrix;

const withFile = (t: request.Test, metadata: object, filename: string) =>
  t.field("metadata", JSON.stringify(metadata)).attach("file", Buffer.from("Nyt indhold\n"), { filename, contentType: "text/plain" });

/** A case the caller may file letters into. */
const caseFor = (c: Caller) => (c === "bob" || c === "erik" ? scene.cases.partners.id : scene.cases.school.id);

/** Another document the caller may see, to refer to. */
const referenceTarget = (c: Caller, d: SceneDocument) =>
  DOCUMENT_KEYS.map((k) => scene.documents[k]).find((o) => o.id !== d.id && isPerson(c) && o.seenBy.includes(c))?.id ?? scene.documents.school.id;

/** A document placed exactly like `d`, by its owner: allowed requests that would use `d` up act on this. */
async function copyOf(d: SceneDocument): Promise<string> {
  const saved = await saveDocument(scene.svc.url, scene.tokens[d.owner], {
    title: "Kopi til matrix",
    documentTypeId: scene.world.types.letter,
    caseId: d.caseId ?? undefined,
    accessGroupId: d.accessGroupId ?? undefined,
    filename: "kopi.txt",
  });
  return saved.id;
}

async function ownFloatingDocument(c: Caller): Promise<string> {
  if (!isPerson(c)) return scene.documents.floating.id;
  const saved = await saveDocument(scene.svc.url, scene.tokens[c], {
    title: "Egen kladde",
    documentTypeId: scene.world.types.letter,
    filename: "egen-kladde.txt",
  });
  return saved.id;
}

const editor = (status: number) => (p: Person, d: DocumentPlan) => (p === "erik" && d.owner !== p ? 403 : status);

const documentProbes: Probe<DocumentPlan, SceneDocument>[] = [
  { what: "{it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}`) },
  { what: "the content of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}/content`) },
  { what: "version 1.0 of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}/content?version=1.0`) },
  { what: "an attachment of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}/attachments/${d.attachmentId}/content`) },
  { what: "the audit trail of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/audit?objectType=document&objectId=${d.id}`) },
  {
    what: "changing the title of {it}",
    allowed: editor(200),
    async send(c, d, succeeds) {
      if (!succeeds) return as(c).patch(`/api/documents/${d.id}`).send({ title: "Overtaget titel" });
      const res = await as(c)
        .patch(`/api/documents/${d.id}`)
        .send({ title: `${d.title} (rettet)` });
      await as(c).patch(`/api/documents/${d.id}`).send({ title: d.title }).expect(200);
      return res;
    },
  },
  {
    what: "a new version of {it}",
    allowed: editor(201),
    send: (c, d) => withFile(as(c).post(`/api/documents/${d.id}/versions`).set("If-Match", "*"), { comment: "Ny udgave" }, "ny-udgave.txt"),
  },
  {
    what: "adding an attachment to {it}",
    allowed: editor(201),
    send: (c, d) => withFile(as(c).post(`/api/documents/${d.id}/attachments`), { title: "Tillaeg" }, "tillaeg.txt"),
  },
  {
    what: "a new version of an attachment of {it}",
    allowed: editor(201),
    send: (c, d) => withFile(as(c).post(`/api/documents/${d.id}/attachments/${d.attachmentId}/versions`), { comment: "Rettet bilag" }, "rettet-bilag.txt"),
  },
  { what: "commenting on {it}", allowed: () => 201, send: (c, d) => as(c).post(`/api/documents/${d.id}/comments`).send({ body: "Set og forstaaet" }) },
  {
    what: "adding a reference from {it}",
    allowed: notExternal(201),
    async send(c, d, succeeds) {
      const res = await as(c)
        .post(`/api/documents/${d.id}/references`)
        .send({ toDocumentId: referenceTarget(c, d), kind: "reply_to" });
      if (succeeds && res.status === 201) await as(c).delete(`/api/documents/${d.id}/references/${res.body.id}`).expect(204);
      return res;
    },
  },
  {
    what: "removing a reference from {it}",
    allowed: notExternal(204),
    async send(c, d, succeeds) {
      let referenceId = d.referenceId;
      if (succeeds) {
        const made = await as(c)
          .post(`/api/documents/${d.id}/references`)
          .send({ toDocumentId: referenceTarget(c, d), kind: "replaces" })
          .expect(201);
        referenceId = made.body.id;
      }
      return as(c).delete(`/api/documents/${d.id}/references/${referenceId}`);
    },
  },
  {
    what: "filing {it} into a case",
    allowed: (p, d) => (d.floating ? 200 : p === "erik" && d.owner !== p ? 403 : 409),
    async send(c, d, succeeds) {
      const id = succeeds ? await copyOf(d) : d.id;
      return as(c)
        .post(`/api/documents/${id}/file`)
        .send({ caseId: caseFor(c) });
    },
  },
  {
    what: "deleting {it}",
    allowed: (p) => (p === "admin" ? 204 : 403),
    hidden: 403,
    async send(c, d, succeeds) {
      const id = succeeds ? await copyOf(d) : d.id;
      return as(c).delete(`/api/documents/${id}?reason=Oprydning`);
    },
  },
];

const caseProbes: Probe<CasePlan, SceneCase>[] = [
  { what: "{it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.id}`) },
  { what: "the audit trail of {it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/audit?objectType=case&objectId=${k.id}`) },
  { what: "{it} by its number (the web view's /sager/<number>)", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.number}`) },
  { what: "the history of {it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.id}/history`) },
  {
    what: "changing the title of {it}",
    allowed: notExternal(200),
    async send(c, k, succeeds) {
      if (!succeeds) return as(c).patch(`/api/cases/${k.id}`).send({ title: "Overtaget sag" });
      const res = await as(c)
        .patch(`/api/cases/${k.id}`)
        .send({ title: `${k.title} (rettet)` });
      await as(c).patch(`/api/cases/${k.id}`).send({ title: k.title }).expect(200);
      return res;
    },
  },
  {
    what: "closing {it}",
    allowed: notExternal(200),
    async send(c, k, succeeds) {
      const res = await as(c).post(`/api/cases/${k.id}/close`).send({});
      if (succeeds && res.status === 200) await as(c).post(`/api/cases/${k.id}/reopen`).expect(200);
      return res;
    },
  },
  { what: "reopening {it} while it is active", allowed: notExternal(409), send: (c, k) => as(c).post(`/api/cases/${k.id}/reopen`) },
  {
    what: "saving a new document into {it}",
    allowed: () => 201,
    send: (c, k) => withFile(as(c).post("/api/documents"), { documentTypeId: scene.world.types.letter, caseId: k.id, title: "Nyt brev" }, "nyt-brev.txt"),
  },
  {
    what: "filing their own floating document into {it}",
    allowed: () => 200,
    send: async (c, k) =>
      as(c)
        .post(`/api/documents/${await ownFloatingDocument(c)}/file`)
        .send({ caseId: k.id }),
  },
];

const listingProbes: ListingProbe[] = [
  { what: "the case list", send: (c) => as(c).get("/api/cases") },
  { what: "recent cases", send: (c) => as(c).get("/api/cases?filter=recent") },
  { what: "case suggestions", send: (c) => as(c).get("/api/cases/suggest?q=elev") },
  { what: "the document list", send: (c) => as(c).get("/api/documents") },
  { what: "floating documents", send: (c) => as(c).get("/api/documents?floating=true") },
  { what: "critical cases, by title", send: (c) => as(c).get("/api/cases?critical=true&sort=title") },
  { what: "cases by journal plan code, by number", send: (c) => as(c).get("/api/cases?journalCode=17&sort=number") },
  {
    what: "creating a case",
    send: (c) =>
      as(c)
        .post("/api/cases")
        .send({ templateId: scene.world.templates.pupil, title: "Ny sag", metadata: { elevnummer: "E-1" } }),
  },
  { what: "saving a floating document", send: (c) => withFile(as(c).post("/api/documents"), { documentTypeId: scene.world.types.letter }, "loest.txt") },
];

describe("access matrix", function () {
  before(async () => {
    ({ scene, work } = await matrix.build());
  });
  after(() => matrix.dispose());

  matrix.describeRows({ documents: documentProbes, cases: caseProbes, listings: listingProbes });

  describe("listings and suggest", () => {
    for (const p of PEOPLE) {
      it(`the case list shows ${p} exactly the cases ${p} may see`, async () => {
        for (const path of ["/api/cases", "/api/cases?status=active"]) {
          const listed = ids(await allItems(p, path));
          for (const k of CASE_KEYS) expect(listed.has(scene.cases[k].id), `${path}: ${CASES[k].label}`).to.equal(CASES[k].seenBy.includes(p));
        }
      });

      it(`${p}'s recent and own cases never include a case ${p} may not see`, async () => {
        for (const path of ["/api/cases?filter=recent", "/api/cases?filter=mine", "/api/cases/suggest?q="]) {
          const listed = ids(await allItems(p, path));
          for (const k of CASE_KEYS) if (!CASES[k].seenBy.includes(p)) expect(listed.has(scene.cases[k].id), path).to.equal(false);
        }
      });

      for (const k of CASE_KEYS) {
        const plan = CASES[k];
        const sees = plan.seenBy.includes(p);
        it(`suggest ${sees ? "offers" : "never offers"} ${relationOf(p, plan)} ${plan.label}, by a title word or by its number`, async () => {
          const c = scene.cases[k];
          for (const q of [plan.searchWord, plan.searchWord.slice(0, 4).toLowerCase(), c.number, c.number.slice(0, 10)]) {
            const listed = ids(await allItems(p, `/api/cases/suggest?q=${encodeURIComponent(q)}`));
            expect(listed.has(c.id), `q=${q}`).to.equal(sees);
          }
        });
      }

      it(`the document list shows ${p} exactly the documents ${p} may see, in all, floating and per case`, async () => {
        const all = ids(await allItems(p, "/api/documents"));
        const floating = ids(await allItems(p, "/api/documents?floating=true"));
        for (const k of DOCUMENT_KEYS) {
          const d = scene.documents[k];
          const sees = d.seenBy.includes(p);
          expect(all.has(d.id), `all: ${d.label}`).to.equal(sees);
          expect(floating.has(d.id), `floating: ${d.label}`).to.equal(sees && d.caseId === null);
        }
        for (const ck of CASE_KEYS) {
          const inCase = await allItems(p, `/api/documents?caseId=${scene.cases[ck].id}`);
          if (!CASES[ck].seenBy.includes(p)) expect(inCase, `documents of ${CASES[ck].label}`).to.deep.equal([]);
          for (const k of DOCUMENT_KEYS) {
            const d = scene.documents[k];
            expect(ids(inCase).has(d.id), `${CASES[ck].label}: ${d.label}`).to.equal(d.caseId === scene.cases[ck].id && d.seenBy.includes(p));
          }
        }
      });
    }
  });

  describe("resumable uploads belong to their creator", () => {
    const others = ["carl", "bob", "erik", "admin"] as const;
    const uploadRelation: Record<(typeof others)[number], string> = {
      carl: "a member of alice's access group (carl)",
      bob: "a caseworker outside alice's access groups (bob)",
      erik: "an external partner (erik)",
      admin: "an administrator (admin)",
    };
    const path = () => `/api/uploads/${scene.upload.id}`;
    const tus = (t: request.Test) => t.set("Tus-Resumable", "1.0.0");
    const uploadRequests: Array<{ what: string; send(c: Caller): PromiseLike<Reply> }> = [
      { what: "HEAD (resume offset) on alice's upload", send: (c) => tus(as(c).head(path())) },
      { what: "GET on alice's upload", send: (c) => tus(as(c).get(path())) },
      {
        what: "PATCH (append) on alice's upload",
        send: (c) =>
          tus(as(c).patch(path()))
            .set("Upload-Offset", String(scene.upload.size))
            .set("Content-Type", "application/offset+octet-stream")
            .send(Buffer.from("fremmed")),
      },
      { what: "DELETE (terminate) on alice's upload", send: (c) => tus(as(c).delete(path())) },
    ];

    async function expectUploadIntact(): Promise<void> {
      expect(await db().selectFrom("uploads").select("user_id").where("id", "=", scene.upload.id).executeTakeFirst()).to.deep.equal({
        user_id: scene.userIds.alice,
      });
      const head = await tus(as("alice").head(path()));
      expect(head.status).to.equal(200);
      expect(head.headers["upload-offset"]).to.equal(String(scene.upload.size));
      expect(head.headers["upload-length"]).to.equal(String(scene.upload.size));
    }

    function expectRefusedUpload(res: Reply, c: Caller, status: number): void {
      expect(res.status, show(res)).to.equal(status);
      expect(res.headers["upload-metadata"]).to.equal(undefined);
      expect(res.headers["upload-offset"]).to.equal(undefined);
      expectNoLeak(res, c);
    }

    for (const p of others) {
      for (const r of uploadRequests) {
        it(`${uploadRelation[p]} gets 404 for ${r.what}`, async () => {
          expectRefusedUpload(await r.send(p), p, 404);
          await expectUploadIntact();
        });
      }
    }

    const claims: Array<{ what: string; who: ReadonlyArray<(typeof others)[number]>; send(c: Person): PromiseLike<Reply> }> = [
      {
        what: "claiming alice's upload as a new document",
        who: others,
        send: (c) => as(c).post("/api/documents").send({ upload: scene.upload.id, documentTypeId: scene.world.types.letter, title: "Stjaalet" }),
      },
      {
        what: "claiming alice's upload as a new version of a document they may change",
        who: ["carl", "bob", "admin"],
        send: (c) => {
          const d = c === "bob" ? scene.documents.partner : scene.documents.school;
          return as(c).post(`/api/documents/${d.id}/versions`).set("If-Match", "*").send({ upload: scene.upload.id });
        },
      },
      {
        what: "claiming alice's upload as an attachment to a document they may change",
        who: ["carl", "bob", "admin"],
        send: (c) =>
          as(c)
            .post(`/api/documents/${(c === "bob" ? scene.documents.partner : scene.documents.school).id}/attachments`)
            .send({ upload: scene.upload.id }),
      },
    ];
    for (const claim of claims) {
      for (const p of claim.who) {
        it(`${uploadRelation[p]} gets 404 for ${claim.what}`, async () => {
          const documents = await countRows("documents", "created_by", scene.userIds[p]);
          const versions = await countRows("versions", "author_id", scene.userIds[p]);
          const res = await claim.send(p);
          expectRefusedUpload(res, p, 404);
          expectProblem(res, 404);
          expect(await countRows("documents", "created_by", scene.userIds[p])).to.equal(documents);
          expect(await countRows("versions", "author_id", scene.userIds[p])).to.equal(versions);
          await expectUploadIntact();
        });
      }
    }

    for (const c of ["anonymous", "forger"] as const) {
      const starting = {
        what: "starting a resumable upload",
        send: (caller: Caller) =>
          tus(as(caller).post("/api/uploads"))
            .set("Upload-Length", "10")
            .set("Upload-Metadata", `filename ${Buffer.from("x.txt").toString("base64")}`),
      };
      for (const r of [starting, ...uploadRequests]) {
        it(`${callerLabel(c)} gets 401 for ${r.what}`, async () => {
          const uploads = await db().selectFrom("uploads").select("id").execute();
          expectRefusedUpload(await r.send(c), c, 401);
          expect(await db().selectFrom("uploads").select("id").execute()).to.deep.equal(uploads);
          await expectUploadIntact();
        });
      }
    }

    it("an upload started with a forged owner header belongs to the one who started it (carl), not to alice", async () => {
      const forged = (t: request.Test) => tus(t).set("X-Ims-Upload-User", scene.userIds.alice);
      const created = await forged(as("carl").post("/api/uploads"))
        .set("Upload-Length", "4")
        .set("Upload-Metadata", `filename ${Buffer.from("carl.txt").toString("base64")}`);
      expect(created.status, show(created)).to.equal(201);
      const id = String(created.headers.location).split("/").pop()!;
      expect(await db().selectFrom("uploads").select("user_id").where("id", "=", id).executeTakeFirst()).to.deep.equal({ user_id: scene.userIds.carl });
      expect((await tus(as("alice").head(`/api/uploads/${id}`))).status).to.equal(404);
      expectRefusedUpload(await forged(as("carl").head(path())), "carl", 404);
      await expectUploadIntact();
    });

    it("the owner (alice) resumes her upload and saves it as a document", async () => {
      await expectUploadIntact();
      const res = await as("alice").post("/api/documents").send({ upload: scene.upload.id, documentTypeId: scene.world.types.letter });
      expect(res.status, show(res)).to.equal(201);
      expect(res.body.currentVersion.filename).to.equal(scene.upload.filename);
      expect(res.body.currentVersion.size).to.equal(scene.upload.size);
      expect(await db().selectFrom("uploads").select("id").where("id", "=", scene.upload.id).executeTakeFirst()).to.equal(undefined);
    });
  });

  describe("mail lookups", () => {
    for (const p of PEOPLE) {
      const sees = DOCUMENTS.restricted.seenBy.includes(p);
      it(`a mail lookup tells ${relationOf(p, DOCUMENTS.restricted)} ${sees ? "that the restricted mail is filed, and where" : "nothing about the restricted mail"}`, async () => {
        const res = await as(p).post("/api/mail/lookup").send({ messageId: RESTRICTED_MAIL.messageId, conversationId: RESTRICTED_MAIL.conversationId });
        expect(res.status, show(res)).to.equal(200);
        expectNoLeak(res, p);
        if (sees) {
          expect(res.body.alreadyFiled.documentId).to.equal(scene.documents.restricted.id);
          expect(res.body.proposal.case.id).to.equal(scene.cases.school.id);
        } else {
          expect(res.body).to.deep.equal({ alreadyFiled: null, proposal: null });
        }
        const reply = await as(p).post("/api/mail/lookup").send({ inReplyTo: RESTRICTED_MAIL.messageId });
        expect(reply.status, show(reply)).to.equal(200);
        expect(reply.body.proposal?.case.id ?? null).to.equal(sees ? scene.cases.school.id : null);
      });
    }
    for (const c of ["anonymous", "forger"] as const) {
      it(`${callerLabel(c)} gets 401 for a mail lookup`, async () => {
        const res = await as(c).post("/api/mail/lookup").send({ messageId: RESTRICTED_MAIL.messageId });
        expect(res.status, show(res)).to.equal(401);
        expectProblem(res, 401);
        expectNoLeak(res, c);
      });
    }
  });

  describe("references to documents out of sight", () => {
    const outOfSight = () => [scene.documents.restricted.id, scene.documents.floating.id];

    it("the owner (alice) sees every reference to and from her document", async () => {
      const res = await as("alice").get(`/api/documents/${scene.documents.school.id}`).expect(200);
      const outgoing = res.body.references.outgoing.map((r: { documentId: string }) => r.documentId);
      const incoming = res.body.references.incoming.map((r: { documentId: string }) => r.documentId);
      expect(outgoing).to.include.members(outOfSight());
      expect(incoming).to.include(scene.documents.restricted.id);
    });

    it(`${relationOf("carl", DOCUMENTS.school)} sees no reference to or from a document he may not see`, async () => {
      const res = await as("carl").get(`/api/documents/${scene.documents.school.id}`).expect(200);
      expectNoLeak(res, "carl");
      const mentioned = [...res.body.references.outgoing, ...res.body.references.incoming].map((r: { documentId: string }) => r.documentId);
      for (const id of outOfSight()) expect(mentioned).not.to.include(id);
      expect(JSON.stringify(res.body.references)).not.to.contain(scene.references.schoolToRestricted);
    });

    it(`${relationOf("carl", DOCUMENTS.restricted)} gets 404 for removing the reference to it from a document he sees`, async () => {
      const res = await as("carl").delete(`/api/documents/${scene.documents.school.id}/references/${scene.references.schoolToRestricted}`);
      expect(res.status, show(res)).to.equal(404);
      expectProblem(res, 404);
      expectNoLeak(res, "carl");
      expect(await db().selectFrom("document_references").select("id").where("id", "=", scene.references.schoolToRestricted).executeTakeFirst()).to.not.equal(
        undefined,
      );
    });

    it(`${relationOf("carl", DOCUMENTS.restricted)} cannot add a reference to it, and the attempt is audited`, async () => {
      const before = await auditCount("access.refused", scene.userIds.carl, scene.documents.restricted.id);
      const refsBefore = await countRows("document_references", "to_document_id", scene.documents.restricted.id);
      const res = await as("carl")
        .post(`/api/documents/${scene.documents.school.id}/references`)
        .send({ toDocumentId: scene.documents.restricted.id, kind: "reply_to" });
      expect(res.status, show(res)).to.equal(422);
      expect(res.body.code).to.equal("unknown_reference_target");
      expectNoLeak(res, "carl");
      expect(await countRows("document_references", "to_document_id", scene.documents.restricted.id)).to.equal(refsBefore);
      expect(await auditCount("access.refused", scene.userIds.carl, scene.documents.restricted.id)).to.be.greaterThan(before);
    });

    it(`${relationOf("carl", DOCUMENTS.restricted)} cannot learn of it from the audit trail of a document he sees`, async () => {
      const res = await as("carl").get(`/api/audit?objectType=document&objectId=${scene.documents.school.id}`).expect(200);
      expectNoLeak(res, "carl");
      for (const id of outOfSight()) expect(res.text).not.to.contain(id);
    });

    it("a hidden document, case or task answers exactly like one that does not exist", async () => {
      const ghost = randomUUID();
      const pairs = [
        [`/api/documents/${scene.documents.restricted.id}`, `/api/documents/${ghost}`],
        [`/api/documents/${scene.documents.restricted.id}/content`, `/api/documents/${ghost}/content`],
        [`/api/cases/${scene.cases.school.id}`, `/api/cases/${ghost}`],
        [`/api/audit?objectType=case&objectId=${scene.cases.school.id}`, `/api/audit?objectType=case&objectId=${ghost}`],
        [`/api/cases/${scene.cases.school.id}/parties`, `/api/cases/${ghost}/parties`],
        [`/api/cases/${scene.cases.school.id}/tasks`, `/api/cases/${ghost}/tasks`],
        [`/api/cases/${scene.cases.school.id}/following`, `/api/cases/${ghost}/following`],
        [`/api/documents/${scene.documents.restricted.id}/tasks`, `/api/documents/${ghost}/tasks`],
        [`/api/tasks/${work.taskOn[scene.cases.school.id]}`, `/api/tasks/${ghost}`],
      ];
      for (const [hidden, missing] of pairs) {
        const a = await as("bob").get(hidden);
        const b = await as("bob").get(missing);
        expect(a.status, hidden).to.equal(404);
        expect({ ...a.body, instance: undefined }).to.deep.equal({ ...b.body, instance: undefined });
        expect(Object.keys(a.headers).sort()).to.deep.equal(Object.keys(b.headers).sort());
      }
    });
  });

  // The write half: who may change what, for people who see the object (service/features/access/policy.ts).
  // Each write is tried by each kind of person in an open and in a closed case, and a refusal changes nothing.
  describe("write policy", () => {
    type Writer = "member" | "outsider" | "author" | "partner" | "admin";
    type CaseState = "open" | "closed";
    const WRITERS: Record<Writer, { label: string; person: Person }> = {
      member: { label: "a caseworker in the case's access group (bob)", person: "bob" },
      outsider: { label: "a caseworker outside the access group (alice)", person: "alice" },
      author: { label: "an external partner who added the document (erik)", person: "erik" },
      partner: { label: "an external partner who did not add the document (erik)", person: "erik" },
      admin: { label: "an administrator", person: "admin" },
    };
    const WRITER_KEYS = Object.keys(WRITERS) as Writer[];

    interface WriteCase {
      id: string;
      number: string;
      title: string;
      /** bob's document and the one erik added, both filed in the case before it was closed. */
      bobs: string;
      eriks: string;
      /** The task on each of the two, by document id: assigned to whoever added the document. */
      taskOn: Record<string, string>;
    }
    const cases = {} as Record<CaseState, WriteCase>;
    /** The document a writer acts on: the external author acts on the document he added, everyone else on bob's. */
    const documentOf = (w: Writer, k: WriteCase) => (w === "author" ? k.eriks : k.bobs);

    type WriteKey =
      | "metadata"
      | "version"
      | "attachment"
      | "comment"
      | "reference"
      | "file"
      | "caseTitle"
      | "closeOrReopen"
      | "delete"
      | "partyOnCase"
      | "partyOnDocument"
      | "partyRemoval"
      | "taskCreate"
      | "taskComment"
      | "taskStatus"
      | "taskTitle";
    interface Write {
      key: WriteKey;
      what(state: CaseState): string;
      /** The answer when it is allowed. */
      success: string;
      /** The document it acts on, when not the writer's document in the case (a fresh one when a success would use it up). */
      target?(w: Writer, k: WriteCase, succeeds: boolean): Promise<string>;
      /** Sends the write; when it succeeded, puts things back so the next row meets the same case. */
      send(p: Person, documentId: string, k: WriteCase, state: CaseState, succeeded: (res: Reply) => boolean): Promise<Reply>;
    }

    /** A floating document in the partners' access group, so both bob and erik see it. */
    const floatingOf = async (p: Person) =>
      (
        await saveDocument(scene.svc.url, scene.tokens[p], {
          title: "Loes skrivelse",
          documentTypeId: scene.world.types.letter,
          accessGroupId: scene.world.accessGroups.partners,
          filename: "loes-skrivelse.txt",
        })
      ).id;

    const WRITES: Write[] = [
      {
        key: "metadata",
        what: () => "changing the title of the document",
        success: "200",
        send: (p, d) => as(p).patch(`/api/documents/${d}`).send({ title: "Ny titel" }),
      },
      {
        key: "version",
        what: () => "a new version of the document",
        success: "201",
        send: (p, d) => withFile(as(p).post(`/api/documents/${d}/versions`).set("If-Match", "*"), { comment: "Ny udgave" }, "ny-udgave.txt"),
      },
      {
        key: "attachment",
        what: () => "adding an attachment to the document",
        success: "201",
        send: (p, d) => withFile(as(p).post(`/api/documents/${d}/attachments`), { title: "Tillaeg" }, "tillaeg.txt"),
      },
      {
        key: "comment",
        what: () => "commenting on the document",
        success: "201",
        send: (p, d) => as(p).post(`/api/documents/${d}/comments`).send({ body: "Set" }),
      },
      {
        key: "reference",
        what: () => "adding a reference from the document",
        success: "201",
        async send(p, d, k, _state, succeeded) {
          const to = d === k.bobs ? k.eriks : k.bobs;
          const res = await as(p).post(`/api/documents/${d}/references`).send({ toDocumentId: to, kind: "relates_to" });
          if (succeeded(res)) await as(p).delete(`/api/documents/${d}/references/${res.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "file",
        what: () => "filing a floating document into the case",
        success: "200",
        // The external author files one he added; everyone else one of bob's.
        target: (w) => floatingOf(w === "author" ? "erik" : "bob"),
        send: (p, d, k) => as(p).post(`/api/documents/${d}/file`).send({ caseId: k.id }),
      },
      {
        key: "caseTitle",
        what: () => "changing the title of the case",
        success: "200",
        async send(p, _d, k, _state, succeeded) {
          const res = await as(p)
            .patch(`/api/cases/${k.id}`)
            .send({ title: `${k.title} (rettet)` });
          if (succeeded(res)) await as(p).patch(`/api/cases/${k.id}`).send({ title: k.title }).expect(200);
          return res;
        },
      },
      {
        key: "closeOrReopen",
        what: (state) => (state === "open" ? "closing the case" : "reopening the case"),
        success: "200",
        async send(p, _d, k, state, succeeded) {
          const [there, back] = state === "open" ? ["close", "reopen"] : ["reopen", "close"];
          const res = await as(p).post(`/api/cases/${k.id}/${there}`).send({});
          if (succeeded(res)) await as(p).post(`/api/cases/${k.id}/${back}`).send({}).expect(200);
          return res;
        },
      },
      {
        key: "delete",
        what: () => "deleting the document",
        success: "204",
        // A deletion that may succeed takes a copy an administrator filed, so the case keeps its documents.
        target: async (w, k, succeeds) =>
          succeeds
            ? (
                await saveDocument(scene.svc.url, scene.tokens.admin, {
                  title: "Kopi til sletning",
                  documentTypeId: scene.world.types.letter,
                  caseId: k.id,
                  filename: "kopi.txt",
                })
              ).id
            : documentOf(w, k),
        send: (p, d) => as(p).delete(`/api/documents/${d}?reason=Oprydning`),
      },
      {
        key: "partyOnCase",
        what: () => "adding a party to the case",
        success: "201",
        async send(p, _d, k, _state, succeeded) {
          const res = await as(p).post(`/api/cases/${k.id}/parties`).send({ contactId: work.contacts.newcomer, roleId: "role-part" });
          if (succeeded(res)) await as(p).delete(`/api/cases/${k.id}/parties/${res.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "partyOnDocument",
        what: () => "adding a party to the document",
        success: "201",
        async send(p, d, _k, _state, succeeded) {
          const res = await as(p).post(`/api/documents/${d}/parties`).send({ contactId: work.contacts.newcomer, roleId: "role-modtager" });
          if (succeeded(res)) await as(p).delete(`/api/documents/${d}/parties/${res.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "partyRemoval",
        what: () => "removing a party from the case",
        success: "204",
        // The party is one an administrator adds for the row (closed case or not) and takes away again if it stayed.
        async send(p, _d, k, _state, succeeded) {
          const party = await as("admin").post(`/api/cases/${k.id}/parties`).send({ contactId: work.contacts.newcomer, roleId: "role-part" }).expect(201);
          const res = await as(p).delete(`/api/cases/${k.id}/parties/${party.body.id}`);
          if (!succeeded(res)) await as("admin").delete(`/api/cases/${k.id}/parties/${party.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "taskCreate",
        what: () => "creating a task on the case",
        success: "201",
        send: (p, _d, k) => as(p).post("/api/tasks").send({ caseId: k.id, title: "Ny opgave" }),
      },
      {
        key: "taskComment",
        what: () => "commenting on the task on the document",
        success: "201",
        send: (p, d, k) => as(p).post(`/api/tasks/${k.taskOn[d]}/comments`).send({ body: "Set" }),
      },
      {
        key: "taskStatus",
        what: () => "changing the status of the task on the document, assigned to whoever added it",
        success: "200",
        async send(p, d, k, _state, succeeded) {
          const res = await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ status: "done" });
          if (succeeded(res)) await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ status: "open" }).expect(200);
          return res;
        },
      },
      {
        key: "taskTitle",
        what: () => "changing the title of the task on the document",
        success: "200",
        async send(p, d, k, _state, succeeded) {
          const res = await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ title: "Ny overskrift" });
          if (succeeded(res)) await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ title: "Opgave" }).expect(200);
          return res;
        },
      },
    ];

    /** The write policy, one sentence a line: the answer a writer gets for a write in an open or a closed case. */
    function answerFor(w: Writer, write: Write, state: CaseState): string {
      // Deleting a document is for administrators only, refused before anyone looks for the document.
      if (write.key === "delete") return w === "admin" ? write.success : "403 admin_only";
      // Who cannot see the case gets 404, as if there were nothing there.
      if (w === "outsider") return "404 not_found";
      // An administrator may do everything, in a closed case too.
      if (w === "admin") return write.success;
      // Comments are open to everyone who sees the document or task, external partners included, closed case or not.
      if (write.key === "comment" || write.key === "taskComment") return write.success;
      // A task's status moves in a closed case too, so left-over work can be finished; an external partner moves only his own.
      if (write.key === "taskStatus") return w === "partner" ? "403 forbidden" : write.success;
      // External partners cannot change, close or reopen cases, add or remove references or parties, nor create or edit tasks.
      const staffWork: WriteKey[] = ["caseTitle", "closeOrReopen", "reference", "partyOnCase", "partyOnDocument", "partyRemoval", "taskCreate", "taskTitle"];
      if ((w === "author" || w === "partner") && staffWork.includes(write.key)) return "403 forbidden";
      // External partners change only the documents they added themselves.
      if (w === "partner") return "403 forbidden";
      // Closed case: reopen first (reopening it is how).
      if (state === "closed" && write.key !== "closeOrReopen") return "409 case_closed";
      return write.success;
    }

    before(async () => {
      const partners = await db().selectFrom("cases").select("template_id").where("id", "=", scene.cases.partners.id).executeTakeFirstOrThrow();
      for (const state of ["open", "closed"] as const) {
        const title = state === "open" ? "Skrivesag Aaben" : "Skrivesag Lukket";
        const made = await as("bob").post("/api/cases").send({ templateId: partners.template_id, title }).expect(201);
        const filed = (p: Person) =>
          saveDocument(scene.svc.url, scene.tokens[p], {
            title: `Skrivelse fra ${p}`,
            documentTypeId: scene.world.types.letter,
            caseId: made.body.id,
            filename: `${p}.txt`,
          });
        const bobs = await filed("bob");
        const eriks = await filed("erik");
        const taskOn: Record<string, string> = {};
        for (const [doc, assignee] of [
          [bobs.id, "bob"],
          [eriks.id, "erik"],
        ] as const) {
          const task = await as("bob")
            .post("/api/tasks")
            .send({ documentId: doc, title: "Opgave", assignee: { type: "user", id: scene.userIds[assignee] } })
            .expect(201);
          taskOn[doc] = task.body.id;
        }
        if (state === "closed") await as("bob").post(`/api/cases/${made.body.id}/close`).send({}).expect(200);
        cases[state] = { id: made.body.id, number: made.body.number, title, bobs: bobs.id, eriks: eriks.id, taskOn };
      }
    });

    for (const state of ["open", "closed"] as const) {
      describe(`in ${state === "open" ? "an open" : "a closed"} case`, () => {
        for (const write of WRITES) {
          for (const w of WRITER_KEYS) {
            const answer = answerFor(w, write, state);
            it(`${WRITERS[w].label} gets ${answer} for ${write.what(state)}`, async () => {
              const [status, code] = answer.split(" ");
              const k = cases[state];
              const p = WRITERS[w].person;
              const documentId = write.target ? await write.target(w, k, !code) : documentOf(w, k);
              const before = { case: await snapshot({ kind: "case", id: k.id }), document: await snapshot({ kind: "document", id: documentId }) };
              const res = await write.send(p, documentId, k, state, (r) => r.status < 300);
              expect(res.status, show(res)).to.equal(Number(status));
              if (!code) return;
              expectProblem(res, Number(status));
              expect(res.body.code, show(res)).to.equal(code);
              if (w === "outsider") expect(res.text).not.to.contain(k.title).and.not.to.contain(k.number);
              expect(
                { case: await snapshot({ kind: "case", id: k.id }), document: await snapshot({ kind: "document", id: documentId }) },
                "a refused write changed something",
              ).to.deep.equal(before);
            });
          }
        }
      });
    }
  });
});
