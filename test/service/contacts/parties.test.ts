import { expect } from "chai";
import request from "supertest";
import { buildAccessScene, type AccessScene, type Person } from "../../support/access-fixture.ts";
import { bearer } from "../../support/http.ts";

// Parties: contacts in a role on cases and documents, the roles administrators keep, and who sees what. A
// party link is only ever seen through a case or document one may see, so a contact page, a listing or a
// refusal never tells that a case one may not see exists.

interface PartyBody {
  id: string;
  contact: { id: string; name: string; cprMasked: string | null; emails: string[] };
  role: { id: string; nameDa: string; appliesTo: string; active: boolean };
  addedBy: { id: string; name: string };
}

describe("parties and who sees contacts", () => {
  let scene: AccessScene;
  const api = () => request(scene.svc.url);
  const as = (who: Person) => {
    const token = scene.tokens[who];
    return {
      get: (url: string) => api().get(url).auth(token, bearer),
      post: (url: string, body: object) => api().post(url).auth(token, bearer).send(body),
      patch: (url: string, body: object) => api().patch(url).auth(token, bearer).send(body),
      delete: (url: string) => api().delete(url).auth(token, bearer),
    };
  };
  const db = () => scene.svc.ctx.db;
  const contacts: Record<"signe" | "birk" | "lindholm" | "tranekaer" | "alone", string> = { signe: "", birk: "", lindholm: "", tranekaer: "", alone: "" };

  async function addParty(who: Person, on: "cases" | "documents", id: string, contactId: string, roleId: string): Promise<PartyBody> {
    const res = await as(who).post(`/api/${on}/${id}/parties`, { contactId, roleId });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const linkIds = async (who: Person, contactId: string, what: "cases" | "documents") => {
    const res = await as(who).get(`/api/contacts/${contactId}/${what}`).expect(200);
    return res.body.items.map((l: { case?: { id: string } | null; document?: { id: string } }) => (what === "cases" ? l.case!.id : l.document!.id));
  };
  /** A refusal as a client sees it: everything but the address it was asked at. */
  const refusal = (res: request.Response) => ({ status: res.status, code: res.body.code, detail: res.body.detail, title: res.body.title });

  before(async function () {
    this.timeout(60_000);
    scene = await buildAccessScene();
    const make = async (body: object) => (await as("admin").post("/api/contacts", body).expect(201)).body.id as string;
    contacts.signe = await make({ kind: "person", name: "Signe Skov", emails: ["signe.skov@example.net"], cpr: "010115-4127" });
    contacts.birk = await make({ kind: "person", name: "Birk Ravn", emails: ["birk.ravn@example.net"] });
    contacts.lindholm = await make({ kind: "organisation", name: "Lindholm Fonden", cvr: "29147353" });
    contacts.tranekaer = await make({ kind: "organisation", name: "Tranekær Rådgivning", emails: ["raad@tranekaer.example.org"] });
    contacts.alone = await make({ kind: "person", name: "Uden Parter" });
    const { school, partners } = scene.cases;
    const docs = scene.documents;
    await addParty("alice", "cases", school.id, contacts.signe, "role-elev");
    await addParty("alice", "cases", school.id, contacts.birk, "role-foraelder");
    await addParty("alice", "documents", docs.restricted.id, contacts.signe, "role-modtager");
    await addParty("bob", "cases", partners.id, contacts.signe, "role-part");
    await addParty("bob", "cases", partners.id, contacts.lindholm, "role-ansoeger");
    await addParty("bob", "documents", docs.partner.id, contacts.tranekaer, "role-afsender");
  });
  after(() => scene.svc.dispose());

  describe("party roles", () => {
    it("everyone signed in reads the roles, in order, Danish and English", async () => {
      const res = await as("erik").get("/api/party-roles").expect(200);
      expect(res.body.items[0]).to.deep.equal({ id: "role-ansoeger", nameDa: "Ansøger", nameEn: "Applicant", appliesTo: "case", active: true });
      expect(res.body.items.map((r: { nameDa: string }) => r.nameDa)).to.include.members([
        "Elev",
        "Forælder",
        "Bestyrelsesmedlem",
        "Leverandør",
        "Afsender",
        "Modtager",
      ]);
      expect((await api().get("/api/party-roles")).status).to.equal(401);
    });

    it("an administrator adds and changes roles, deactivates rather than deletes, and only administrators may", async () => {
      const made = await as("admin").post("/api/admin/party-roles", { nameDa: "Værge", nameEn: "Guardian" });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      expect(made.body).to.include({ nameDa: "Værge", nameEn: "Guardian", appliesTo: "case", active: true });
      const roles = (await as("alice").get("/api/party-roles").expect(200)).body.items;
      expect(roles.at(-1).id).to.equal(made.body.id);
      expect((await as("admin").post("/api/admin/party-roles", { nameDa: "værge", nameEn: "Ward" })).status).to.equal(409);
      expect((await as("alice").post("/api/admin/party-roles", { nameDa: "Tolk", nameEn: "Interpreter" })).body.code).to.equal("admin_only");
      await addParty("alice", "cases", scene.cases.school.id, contacts.alone, made.body.id);
      const off = await as("admin").patch(`/api/admin/party-roles/${made.body.id}`, { active: false, nameEn: "Legal guardian" }).expect(200);
      expect(off.body).to.include({ active: false, nameEn: "Legal guardian" });
      const refused = await as("alice").post(`/api/cases/${scene.cases.school.id}/parties`, { contactId: contacts.birk, roleId: made.body.id });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal("inactive_party_role");
      // The party already in the role stays, and shows the role as inactive.
      const parties = (await as("alice").get(`/api/cases/${scene.cases.school.id}/parties`).expect(200)).body.items as PartyBody[];
      expect(parties.find((p) => p.contact.id === contacts.alone)!.role).to.include({ id: made.body.id, active: false });
      expect((await as("admin").patch("/api/admin/party-roles/no-such-role", { active: false })).status).to.equal(404);
      const events = await db().selectFrom("audit_events").select("action").where("object_id", "=", made.body.id).execute();
      expect(events.map((e) => e.action)).to.deep.equal(["party_role.create", "party_role.update"]);
    });
  });

  describe("the parties of a case", () => {
    it("a caseworker adds a contact in a role: audited on the case, and the case's followers (never the actor) notified", async () => {
      const c = (
        await as("alice")
          .post("/api/cases", { templateId: scene.world.templates.pupil, title: "Elev Parter", metadata: { elevnummer: "E-77" } })
          .expect(201)
      ).body;
      await as("alice").patch(`/api/cases/${c.id}`, { responsibleId: scene.userIds.carl }).expect(200);
      const party = await addParty("alice", "cases", c.id, contacts.signe, "role-elev");
      expect(party.contact).to.deep.include({ id: contacts.signe, name: "Signe Skov", cprMasked: "010115-xxxx", emails: ["signe.skov@example.net"] });
      expect(party.role).to.include({ id: "role-elev", nameDa: "Elev" });
      expect(party.addedBy).to.deep.equal({ id: scene.userIds.alice, name: "Alice Sagsbehandler" });
      const listed = await as("carl").get(`/api/cases/${c.id}/parties`).expect(200);
      expect(listed.body.items.map((p: PartyBody) => p.id)).to.deep.equal([party.id]);
      const audit = await db().selectFrom("audit_events").selectAll().where("object_id", "=", c.id).where("action", "=", "case.party_add").execute();
      expect(JSON.parse(audit[0]!.details)).to.include({ partyId: party.id, contact: "Signe Skov", role: "Elev" });
      const notes = await db().selectFrom("notifications").selectAll().where("case_id", "=", c.id).where("change", "=", "party_added").execute();
      expect(notes.map((n) => [n.user_id, n.detail, n.actor_id])).to.deep.equal([[scene.userIds.carl, "Signe Skov (Elev)", scene.userIds.alice]]);

      const again = await as("carl").post(`/api/cases/${c.id}/parties`, { contactId: contacts.signe, roleId: "role-elev" });
      expect(again.status).to.equal(409);
      expect(again.body).to.include({ code: "party_exists", partyId: party.id });
      await addParty("carl", "cases", c.id, contacts.signe, "role-ansoeger");
      for (const [body, code] of [
        [{ contactId: contacts.birk, roleId: "role-afsender" }, "party_role_not_applicable"],
        [{ contactId: contacts.birk, roleId: "no-such-role" }, "unknown_party_role"],
        [{ contactId: "no-such-contact", roleId: "role-part" }, "unknown_contact"],
      ] as const) {
        const res = await as("alice").post(`/api/cases/${c.id}/parties`, body);
        expect(res.status, code).to.equal(422);
        expect(res.body.code).to.equal(code);
      }
      expect((await as("alice").post(`/api/cases/${c.id}/parties`, { contactId: contacts.birk })).status).to.equal(400);
    });

    it("removes a party (audited); another case's party, or one removed already, is not found", async () => {
      const c = (
        await as("alice")
          .post("/api/cases", { templateId: scene.world.templates.pupil, title: "Elev Fjernes", metadata: { elevnummer: "E-78" } })
          .expect(201)
      ).body;
      const party = await addParty("alice", "cases", c.id, contacts.birk, "role-foraelder");
      expect((await as("alice").delete(`/api/cases/${scene.cases.school.id}/parties/${party.id}`)).status).to.equal(404);
      await as("carl").delete(`/api/cases/${c.id}/parties/${party.id}`).expect(204);
      expect((await as("alice").get(`/api/cases/${c.id}/parties`).expect(200)).body.items).to.deep.equal([]);
      expect((await as("alice").delete(`/api/cases/${c.id}/parties/${party.id}`)).status).to.equal(404);
      const audit = await db().selectFrom("audit_events").selectAll().where("object_id", "=", c.id).where("action", "=", "case.party_remove").execute();
      expect(JSON.parse(audit[0]!.details)).to.include({ partyId: party.id, contact: "Birk Ravn", role: "Forælder" });
    });

    it("a closed case's parties change only after it is reopened (administrators may still correct them)", async () => {
      const c = (
        await as("alice")
          .post("/api/cases", { templateId: scene.world.templates.pupil, title: "Elev Lukket", metadata: { elevnummer: "E-79" } })
          .expect(201)
      ).body;
      const party = await addParty("alice", "cases", c.id, contacts.birk, "role-foraelder");
      await as("alice").post(`/api/cases/${c.id}/close`, {}).expect(200);
      const add = await as("alice").post(`/api/cases/${c.id}/parties`, { contactId: contacts.signe, roleId: "role-elev" });
      expect(add.status).to.equal(409);
      expect(add.body.code).to.equal("case_closed");
      expect((await as("alice").delete(`/api/cases/${c.id}/parties/${party.id}`)).body.code).to.equal("case_closed");
      await addParty("admin", "cases", c.id, contacts.signe, "role-elev");
      expect((await as("alice").get(`/api/cases/${c.id}/parties`).expect(200)).body.items).to.have.length(2);
    });

    it("an external partner reads the parties of a shared case but cannot change them; other cases answer as if missing", async () => {
      const { school, partners } = scene.cases;
      const shared = await as("erik").get(`/api/cases/${partners.id}/parties`).expect(200);
      expect(shared.body.items.map((p: PartyBody) => p.contact.name)).to.have.members(["Signe Skov", "Lindholm Fonden"]);
      const add = await as("erik").post(`/api/cases/${partners.id}/parties`, { contactId: contacts.lindholm, roleId: "role-part" });
      expect(add.status).to.equal(403);
      expect(add.body.code).to.equal("forbidden");
      const partyId = shared.body.items[0].id;
      expect((await as("erik").delete(`/api/cases/${partners.id}/parties/${partyId}`)).status).to.equal(403);
      const hidden = await as("erik").get(`/api/cases/${school.id}/parties`);
      const missing = await as("erik").get("/api/cases/no-such-case/parties");
      expect(refusal(hidden)).to.deep.equal(refusal(missing)).and.include({ status: 404 });
      expect(refusal(await as("bob").post(`/api/cases/${school.id}/parties`, { contactId: contacts.birk, roleId: "role-part" }))).to.deep.equal(
        refusal(await as("bob").post("/api/cases/no-such-case/parties", { contactId: contacts.birk, roleId: "role-part" })),
      );
      expect((await as("erik").delete(`/api/cases/${school.id}/parties/x`)).status).to.equal(404);
    });
  });

  describe("the parties of a document", () => {
    it("a sender or recipient of a filed or floating document; case-only roles are refused; followers of its case are told", async () => {
      const docs = scene.documents;
      // Carl follows the school case (as the follow endpoint would record it).
      await db()
        .insertInto("case_followers")
        .values({ case_id: scene.cases.school.id, user_id: scene.userIds.carl, following: 1, changed_at: new Date().toISOString() })
        .execute();
      const sender = await addParty("alice", "documents", docs.school.id, contacts.birk, "role-afsender");
      const told = await db().selectFrom("notifications").selectAll().where("document_id", "=", docs.school.id).where("change", "=", "party_added").execute();
      expect(told.map((n) => [n.user_id, n.case_id, n.detail])).to.deep.equal([[scene.userIds.carl, scene.cases.school.id, "Birk Ravn (Afsender)"]]);
      expect(sender.role).to.include({ id: "role-afsender", appliesTo: "document" });
      await addParty("alice", "documents", docs.school.id, contacts.signe, "role-part");
      const elev = await as("alice").post(`/api/documents/${docs.school.id}/parties`, { contactId: contacts.signe, roleId: "role-elev" });
      expect(elev.body.code).to.equal("party_role_not_applicable");
      await addParty("alice", "documents", docs.floating.id, contacts.birk, "role-modtager");
      const listed = await as("carl").get(`/api/documents/${docs.school.id}/parties`).expect(200);
      expect(listed.body.items.map((p: PartyBody) => `${p.contact.name} (${p.role.nameDa})`)).to.deep.equal(["Signe Skov (Part)", "Birk Ravn (Afsender)"]);
      const audit = await db()
        .selectFrom("audit_events")
        .select("action")
        .where("object_id", "=", docs.school.id)
        .where("action", "like", "document.party%")
        .execute();
      expect(audit).to.have.length(2);
      await as("carl").delete(`/api/documents/${docs.school.id}/parties/${sender.id}`).expect(204);
    });

    it("a document one may not see answers 404 for its parties, whoever may see its case", async () => {
      const restricted = scene.documents.restricted.id;
      expect((await as("alice").get(`/api/documents/${restricted}/parties`).expect(200)).body.items).to.have.length(1);
      expect(refusal(await as("carl").get(`/api/documents/${restricted}/parties`))).to.deep.equal(
        refusal(await as("carl").get("/api/documents/no-such-document/parties")),
      );
      expect(
        (await as("erik").post(`/api/documents/${scene.documents.partner.id}/parties`, { contactId: contacts.tranekaer, roleId: "role-modtager" })).status,
      ).to.equal(403);
    });
  });

  describe("who sees a contact, and its cases and documents", () => {
    it("staff see every contact; an external partner only those on cases or documents shared with them, the rest as if missing", async () => {
      for (const id of Object.values(contacts)) await as("bob").get(`/api/contacts/${id}`).expect(200);
      for (const id of [contacts.signe, contacts.lindholm, contacts.tranekaer]) await as("erik").get(`/api/contacts/${id}`).expect(200);
      const missing = refusal(await as("erik").get("/api/contacts/no-such-contact"));
      for (const id of [contacts.birk, contacts.alone]) {
        for (const url of [`/api/contacts/${id}`, `/api/contacts/${id}/cases`, `/api/contacts/${id}/documents`]) {
          expect(refusal(await as("erik").get(url)), url).to.deep.equal(missing);
        }
      }
      const listed = (await as("erik").get("/api/contacts").query({ limit: 200 }).expect(200)).body.items.map((c: { name: string }) => c.name);
      expect(listed).to.deep.equal(["Lindholm Fonden", "Signe Skov", "Tranekær Rådgivning"]);
      expect((await as("erik").get("/api/contacts").query({ q: "birk" }).expect(200)).body.items).to.deep.equal([]);
      const matched = await as("erik")
        .post("/api/contacts/match", { addresses: ["signe.skov@example.net", "birk.ravn@example.net"] })
        .expect(200);
      expect(matched.body.items.map((m: { contacts: unknown[] }) => m.contacts.length)).to.deep.equal([1, 0]);
      const refusals = await db()
        .selectFrom("audit_events")
        .select("object_id")
        .where("action", "=", "access.refused")
        .where("object_type", "=", "contact")
        .execute();
      expect(refusals.map((r) => r.object_id)).to.include(contacts.birk);
    });

    it("a contact's cases and documents are only those the actor may see", async () => {
      const { school, partners } = scene.cases;
      const docs = scene.documents;
      expect(await linkIds("alice", contacts.signe, "cases"))
        .to.include.members([school.id])
        .and.not.include(partners.id);
      expect(await linkIds("bob", contacts.signe, "cases")).to.deep.equal([partners.id]);
      expect(await linkIds("erik", contacts.signe, "cases")).to.deep.equal([partners.id]);
      expect(await linkIds("admin", contacts.signe, "cases")).to.include.members([school.id, partners.id]);
      expect(await linkIds("alice", contacts.signe, "documents")).to.include(docs.restricted.id);
      expect(await linkIds("carl", contacts.signe, "documents")).not.to.include(docs.restricted.id);
      expect(await linkIds("erik", contacts.tranekaer, "documents")).to.deep.equal([docs.partner.id]);
      const link = (await as("erik").get(`/api/contacts/${contacts.tranekaer}/documents`).expect(200)).body.items[0];
      expect(link).to.deep.include({
        document: { id: docs.partner.id, title: docs.partner.title },
        case: { id: partners.id, number: partners.number, title: partners.title },
      });
    });

    it("a contact party only to cases one may not see looks exactly like one party to nothing", async () => {
      for (const what of ["cases", "documents"] as const) {
        const hidden = await as("bob").get(`/api/contacts/${contacts.birk}/${what}`).expect(200);
        const none = await as("bob").get(`/api/contacts/${contacts.alone}/${what}`).expect(200);
        expect(hidden.body).to.deep.equal(none.body).and.deep.equal({ items: [], nextCursor: null });
      }
      const hiddenParties = await as("bob").get(`/api/cases/${scene.cases.school.id}/parties`);
      expect(refusal(hiddenParties)).to.deep.equal(refusal(await as("bob").get("/api/cases/no-such-case/parties")));
    });

    it("pages a contact's cases newest link first", async () => {
      const made: string[] = [];
      for (const n of [1, 2, 3]) {
        const c = (
          await as("alice")
            .post("/api/cases", { templateId: scene.world.templates.pupil, title: `Side ${n}`, metadata: { elevnummer: `E-9${n}` } })
            .expect(201)
        ).body;
        await addParty("alice", "cases", c.id, contacts.tranekaer, "role-leverandoer");
        made.push(c.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await as("carl")
          .get(`/api/contacts/${contacts.tranekaer}/cases`)
          .query({ limit: 1, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...res.body.items.map((l: { case: { id: string } }) => l.case.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal([...made].reverse());
      expect((await as("carl").get(`/api/contacts/${contacts.tranekaer}/cases`).query({ cursor: "bm9wZQ" })).status).to.equal(400);
    });
  });

  describe("merging contacts with parties", () => {
    it("moves the duplicate's case and document parties to the survivor, collapsing the same case and role into one", async () => {
      const school = scene.cases.school.id;
      const dup = (await as("alice").post("/api/contacts", { kind: "person", name: "Birk R." }).expect(201)).body.id as string;
      await addParty("alice", "cases", school, dup, "role-foraelder");
      await addParty("alice", "cases", school, dup, "role-kunde");
      await addParty("alice", "documents", scene.documents.floatingShared.id, dup, "role-modtager");
      await as("carl").post(`/api/contacts/${contacts.birk}/merge`, { duplicateId: dup }).expect(200);
      const parties = (await as("alice").get(`/api/cases/${school}/parties`).expect(200)).body.items as PartyBody[];
      const birks = parties.filter((p) => p.contact.id === contacts.birk).map((p) => p.role.id);
      expect(birks).to.have.members(["role-foraelder", "role-kunde"]);
      expect(parties.some((p) => p.contact.id === dup)).to.equal(false);
      expect(await linkIds("alice", contacts.birk, "documents")).to.include(scene.documents.floatingShared.id);
      // The old id names the survivor everywhere: its page, its links, a new party.
      expect((await as("alice").get(`/api/contacts/${dup}/documents`).expect(200)).body.items.length).to.be.greaterThan(0);
      const added = await addParty("alice", "documents", scene.documents.school.id, dup, "role-kopimodtager");
      expect(added.contact.id).to.equal(contacts.birk);
      const merge = await db()
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "contact.merge")
        .where("object_id", "=", contacts.birk)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(merge.details)).to.include({ duplicateId: dup, caseParties: 1, documentParties: 1, collapsed: 1 });
    });
  });
});
