import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import { contactKeyFile } from "../../../service/features/contacts/cpr-seal.ts";
import { DEFAULT_READ_LIMITS } from "../../../service/features/mail/parsed-mail.ts";
import { readMail } from "../../../service/features/mail/read-mail.ts";
import { corpus } from "../../support/fixtures.ts";
import { bearer } from "../../support/http.ts";
import os from "node:os";
import { loadConfig } from "../../../service/config.ts";
import { startService } from "../../../service/server.ts";
import { ADMIN_TOKEN, startTestService, type TestService, scaleBackends } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";

// Contacts as the API gives them: created and changed by staff, CPR numbers sealed and shown masked, revealed
// only to those allowed and always audited, found by name, address, CVR and CPR, matched to mail, merged.

/** Made-up CPR numbers: a real date each, and none of them satisfies modulus 11 (allowed since 2007). */
const CPR = { kurt: "150387-4562", lille: "010115-4127", leap: "290212-4000" };
const digits = (cpr: string) => cpr.replace("-", "");

describe("contacts", () => {
  let svc: TestService;
  let w: World;
  const api = () => request(svc.url);
  const get = (token: string, url: string) => api().get(url).auth(token, bearer);
  const post = (token: string, url: string, body: object) => api().post(url).auth(token, bearer).send(body);
  const patch = (token: string, url: string, body: object, etag?: string) => {
    const req = api().patch(url).auth(token, bearer);
    return (etag ? req.set("If-Match", etag) : req).send(body);
  };

  async function newContact(body: Record<string, unknown>, token = w.tokens.alice) {
    const res = await post(token, "/api/contacts", body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string; name: string; etag: string; emails: string[]; cprMasked: string | null; cvr: string | null };
  }

  const auditOf = (id: string) =>
    svc.ctx.db.selectFrom("audit_events").selectAll().where("object_type", "=", "contact").where("object_id", "=", id).orderBy("seq").execute();

  /** Every page of a listing, following the cursors. */
  async function walk(token: string, query: Record<string, string | number>): Promise<{ names: string[]; pages: number }> {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await get(token, "/api/contacts")
        .query({ ...query, ...(cursor ? { cursor } : {}) })
        .expect(200);
      names.push(...res.body.items.map((c: { name: string }) => c.name));
      cursor = res.body.nextCursor;
      expect(++pages).to.be.below(50);
    } while (cursor);
    return { names, pages };
  }

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  describe("creating and reading", () => {
    it("a caseworker creates a person with a CPR number: the answer, its ETag and later reads show it masked only", async () => {
      const res = await post(w.tokens.alice, "/api/contacts", {
        kind: "person",
        name: "Kurt Jensen",
        emails: ["Kurt.Jensen@Example.net", "kurt.jensen@example.net"],
        phone: "+45 20 11 22 33",
        address: { street: "Nørregade 12", postalCode: "9000", city: "Aalborg" },
        cpr: CPR.kurt,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.headers.etag).to.equal(res.body.etag);
      expect(res.body).to.include({ kind: "person", name: "Kurt Jensen", cprMasked: "150387-xxxx", cvr: null, note: "" });
      expect(res.body.emails).to.deep.equal(["kurt.jensen@example.net"]);
      expect(res.body.address).to.deep.equal({ street: "Nørregade 12", postalCode: "9000", city: "Aalborg", country: "" });
      expect(res.body.createdBy).to.deep.equal({ id: w.users.alice, name: "Alice Sagsbehandler" });
      const read = await get(w.tokens.carl, `/api/contacts/${res.body.id}`).expect(200);
      expect(read.headers.etag).to.equal(res.body.etag);
      const listed = await get(w.tokens.carl, "/api/contacts").query({ q: "kurt" }).expect(200);
      for (const body of [res.text, read.text, listed.text]) {
        expect(body).not.to.contain(CPR.kurt);
        expect(body).not.to.contain(digits(CPR.kurt));
      }
      expect(listed.body.items.map((c: { cprMasked: string }) => c.cprMasked)).to.deep.equal(["150387-xxxx"]);
    });

    it("accepts CPR numbers that fail modulus 11 (issued since 2007) and a leap day; refuses dates that do not exist", async () => {
      const lille = await newContact({ kind: "person", name: "Lille Nyfødt", cpr: CPR.lille });
      const leap = await newContact({ kind: "person", name: "Skudårsbarn", cpr: digits(CPR.leap) });
      expect([lille.cprMasked, leap.cprMasked]).to.deep.equal(["010115-xxxx", "290212-xxxx"]);
      for (const cpr of ["290213-4000", "320190-1234", "011390-1234", "000190-1234", "15038745", "150387-45621", "abcdef-ghij"]) {
        const res = await post(w.tokens.alice, "/api/contacts", { kind: "person", name: "Forkert", cpr });
        expect(res.status, cpr).to.equal(400);
        expect(res.body.code).to.equal("invalid_request");
        expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
      }
    });

    it("checks a CVR number's check digit, and keeps CVR for organisations and CPR for persons", async () => {
      const org = await newContact({ kind: "organisation", name: "Designmuseum Nordjylland", cvr: "29147353", emails: ["foo@example.com"] });
      expect(org).to.include({ cvr: "29147353", cprMasked: null });
      for (const body of [
        { kind: "organisation", name: "Forkert CVR", cvr: "29147354" },
        { kind: "organisation", name: "Kort CVR", cvr: "2914735" },
        { kind: "person", name: "Person med CVR", cvr: "29147353" },
        { kind: "organisation", name: "Firma med CPR", cpr: CPR.kurt },
        { kind: "robot", name: "Ukendt slags" },
        { kind: "person", name: "" },
        { kind: "person", name: "Forkert mail", emails: ["ikke en adresse"] },
        { kind: "person", name: "Ekstra felt", colour: "blå" },
      ]) {
        const res = await post(w.tokens.alice, "/api/contacts", body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      const person = await newContact({ kind: "person", name: "Lone Person" });
      const res = await patch(w.tokens.alice, `/api/contacts/${person.id}`, { cvr: "29147353" });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("contact_field_not_for_kind");
      const orgCpr = await patch(w.tokens.alice, `/api/contacts/${org.id}`, { cpr: CPR.kurt });
      expect(orgCpr.status).to.equal(422);
    });

    it("an external partner may not create a contact (403), and an id nobody has answers 404", async () => {
      const res = await post(w.tokens.erik, "/api/contacts", { kind: "person", name: "Erik's kontakt" });
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal("forbidden");
      const missing = await get(w.tokens.alice, "/api/contacts/no-such-contact").expect(404);
      expect(missing.body.code).to.equal("not_found");
    });
  });

  describe("finding contacts", () => {
    before(async () => {
      await newContact({ kind: "person", name: "Hanne Østergaard Jensen", emails: ["hanne.jensen@example.net"], cpr: "230875-1236" });
      await newContact({ kind: "organisation", name: "Ungø Sejlklub", cvr: "33708467", emails: ["kontakt@ungoe-sejlklub.example.org"] });
      await newContact({ kind: "organisation", name: "Bibliotekerne i Nordjylland", cvr: "35612084" });
      await newContact({ kind: "person", name: "Åse Ørsted" });
    });

    it("q finds the start of any word of the name, of an e-mail address, or of a CVR number", async () => {
      const names = async (q: string) => (await walk(w.tokens.alice, { q })).names;
      expect(await names("jens")).to.have.members(["Kurt Jensen", "Hanne Østergaard Jensen"]);
      expect(await names("øster jen")).to.deep.equal(["Hanne Østergaard Jensen"]);
      expect(await names("ØRSTED")).to.deep.equal(["Åse Ørsted"]);
      expect(await names("hanne.jen")).to.deep.equal(["Hanne Østergaard Jensen"]);
      expect(await names("kontakt@ungoe")).to.deep.equal(["Ungø Sejlklub"]);
      expect(await names("3561")).to.deep.equal(["Bibliotekerne i Nordjylland"]);
      expect(await names("sejlkl")).to.deep.equal(["Ungø Sejlklub"]);
      expect(await names("xyzzy")).to.deep.equal([]);
      expect(await names("%")).to.deep.equal([]);
    });

    it("email and cpr look up exactly, kind narrows, and the keyset pages cover every contact once, by name", async () => {
      expect((await walk(w.tokens.alice, { email: "HANNE.JENSEN@example.net" })).names).to.deep.equal(["Hanne Østergaard Jensen"]);
      expect((await walk(w.tokens.alice, { email: "hanne.jensen@example" })).names).to.deep.equal([]);
      expect((await walk(ADMIN_TOKEN, { cpr: "2308751236" })).names).to.deep.equal(["Hanne Østergaard Jensen"]);
      expect((await walk(ADMIN_TOKEN, { cpr: "230875-1237" })).names).to.deep.equal([]);
      const orgs = (await walk(w.tokens.alice, { kind: "organisation" })).names;
      expect(orgs).to.include.members(["Ungø Sejlklub", "Bibliotekerne i Nordjylland", "Designmuseum Nordjylland"]);
      const whole = await walk(w.tokens.alice, { limit: 200 });
      const paged = await walk(w.tokens.alice, { limit: 2 });
      expect(paged.names).to.deep.equal(whole.names);
      expect(new Set(paged.names).size).to.equal(paged.names.length);
      expect(paged.pages).to.be.greaterThan(3);
      const keys = whole.names.map((n) => n.normalize("NFC").toLocaleLowerCase("da"));
      expect(keys).to.deep.equal([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    it("looking up by CPR is for those who may reveal CPR numbers, each lookup audited masked: the masked form plus guesses would reveal it", async () => {
      const lookups = () => svc.ctx.db.selectFrom("audit_events").selectAll().where("action", "=", "contact.cpr_lookup").execute();
      const before = (await lookups()).length;
      for (const token of [w.tokens.alice, w.tokens.erik]) {
        const refused = await get(token, "/api/contacts").query({ cpr: "230875-1236" });
        expect(refused.status).to.equal(403);
        expect(refused.body.code).to.equal("cpr_access_required");
        expect(refused.text, "the number is not echoed").not.to.contain("1236");
      }
      expect((await lookups()).length).to.equal(before);
      await get(ADMIN_TOKEN, "/api/contacts").query({ cpr: "230875-1236" }).expect(200);
      const [last] = (await lookups()).slice(-1);
      expect(JSON.parse(last!.details)).to.deep.equal({ cpr: "230875-xxxx" });
      expect((await lookups()).length).to.equal(before + 1);
    });

    it("refuses a cursor it did not hand out and bad query values with 400", async () => {
      for (const query of [{ cursor: "bm90LWEtY3Vyc29y" }, { cpr: "310290-1234" }, { kind: "robot" }, { limit: 0 }, { q: "x".repeat(201) }]) {
        const res = await get(w.tokens.alice, "/api/contacts").query(query);
        expect(res.status, JSON.stringify(query)).to.equal(400);
      }
    });
  });

  describe("changing a contact", () => {
    it("changes with the current ETag, refuses a stale one with 412, and a change that changes nothing keeps the ETag", async () => {
      const c = await newContact({ kind: "person", name: "Jonas Larsen", emails: ["jonas@example.net"] });
      const changed = await patch(
        w.tokens.carl,
        `/api/contacts/${c.id}`,
        { name: "Jonas B. Larsen", phone: "+45 31 44 55 66", emails: ["jonas.larsen@example.net"] },
        c.etag,
      );
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body).to.include({ name: "Jonas B. Larsen", phone: "+45 31 44 55 66" });
      expect(changed.body.emails).to.deep.equal(["jonas.larsen@example.net"]);
      expect(changed.headers.etag).to.equal(changed.body.etag).and.not.equal(c.etag);
      const stale = await patch(w.tokens.alice, `/api/contacts/${c.id}`, { note: "for sent" }, c.etag);
      expect(stale.status).to.equal(412);
      expect(stale.body).to.include({ code: "precondition_failed", currentEtag: changed.body.etag });
      const same = await patch(w.tokens.alice, `/api/contacts/${c.id}`, { name: "Jonas B. Larsen" }, changed.body.etag).expect(200);
      expect(same.body.etag).to.equal(changed.body.etag);
      expect((await walk(w.tokens.alice, { q: "jonas" })).names).to.deep.equal(["Jonas B. Larsen"]);
      expect((await walk(w.tokens.alice, { email: "jonas@example.net" })).names).to.deep.equal([]);
      const update = (await auditOf(c.id)).find((e) => e.action === "contact.update")!;
      expect(JSON.parse(update.details)).to.deep.include({ name: { from: "Jonas Larsen", to: "Jonas B. Larsen" } });
    });

    it("a corrected CPR number with the same date of birth is stored and audited, though it masks the same", async () => {
      const c = await newContact({ kind: "person", name: "Rettet Nummer", cpr: "010190-1234" });
      const fixed = await patch(ADMIN_TOKEN, `/api/contacts/${c.id}`, { cpr: "010190-1235" }, c.etag).expect(200);
      expect(fixed.body.etag).to.not.equal(c.etag);
      expect(fixed.body.cprMasked).to.equal("010190-xxxx");
      expect((await post(ADMIN_TOKEN, `/api/contacts/${c.id}/cpr`, { reason: "Kontrol" }).expect(200)).body.cpr).to.equal("010190-1235");
      const update = (await auditOf(c.id)).find((e) => e.action === "contact.update")!;
      expect(JSON.parse(update.details).cpr).to.include({ from: "010190-xxxx", to: "010190-xxxx" });
      expect(update.details).not.to.contain("1235");
    });

    it("sets, replaces and clears a CPR number; the audit log records only the masked form", async () => {
      const c = await newContact({ kind: "person", name: "Emma Larsen" });
      const set = await patch(w.tokens.alice, `/api/contacts/${c.id}`, { cpr: "170412-4302" }).expect(200);
      expect(set.body.cprMasked).to.equal("170412-xxxx");
      const cleared = await patch(w.tokens.alice, `/api/contacts/${c.id}`, { cpr: null }).expect(200);
      expect(cleared.body.cprMasked).to.equal(null);
      const events = await auditOf(c.id);
      expect(events.map((e) => e.action)).to.deep.equal(["contact.create", "contact.update", "contact.update"]);
      expect(JSON.parse(events[1]!.details).cpr).to.deep.equal({ from: null, to: "170412-xxxx" });
      expect(events.map((e) => e.details).join("\n")).not.to.contain("4302");
    });

    it("an external partner may not change a contact (403)", async () => {
      const c = await newContact({ kind: "person", name: "Ændres ikke" });
      expect((await patch(w.tokens.erik, `/api/contacts/${c.id}`, { name: "Ændret" })).status).to.equal(403);
    });
  });

  describe("revealing a CPR number", () => {
    let kurt: { id: string };
    before(async () => {
      kurt = await newContact({ kind: "person", name: "Kurt Afsløring", cpr: CPR.kurt });
    });

    it("an administrator sees it, not cached, and the reveal with its reason is in the audit log before the answer", async () => {
      const res = await post(ADMIN_TOKEN, `/api/contacts/${kurt.id}/cpr`, { reason: "Aktindsigt, sag 20200108-1459092" }).expect(200);
      expect(res.body).to.deep.equal({ cpr: CPR.kurt });
      expect(res.headers["cache-control"]).to.equal("no-store");
      const reveal = (await auditOf(kurt.id)).filter((e) => e.action === "contact.cpr_reveal");
      expect(reveal).to.have.length(1);
      expect(JSON.parse(reveal[0]!.details)).to.deep.equal({ reason: "Aktindsigt, sag 20200108-1459092", cpr: "150387-xxxx" });
    });

    it("a caseworker is refused (403, nothing revealed, nothing audited) until an administrator allows her", async () => {
      const before = (await auditOf(kurt.id)).length;
      const refused = await post(w.tokens.alice, `/api/contacts/${kurt.id}/cpr`, { reason: "Skal bruge det" });
      expect(refused.status).to.equal(403);
      expect(refused.body.code).to.equal("cpr_access_required");
      expect(refused.text).not.to.contain(digits(CPR.kurt).slice(6));
      expect((await auditOf(kurt.id)).length).to.equal(before);

      const allowed = await patch(ADMIN_TOKEN, `/api/admin/users/${w.users.alice}`, { cprAccess: true }).expect(200);
      expect(allowed.body.cprAccess).to.equal(true);
      expect((await get(ADMIN_TOKEN, `/api/admin/users/${w.users.carl}`).expect(200)).body.cprAccess).to.equal(false);
      const res = await post(w.tokens.alice, `/api/contacts/${kurt.id}/cpr`, { reason: `Tjek af ${CPR.kurt} mod ansøgningen` }).expect(200);
      expect(res.body.cpr).to.equal(CPR.kurt);
      const last = (await auditOf(kurt.id)).at(-1)!;
      expect(last).to.include({ action: "contact.cpr_reveal", actor_id: w.users.alice });
      // A number typed into the reason is kept masked too.
      expect(JSON.parse(last.details).reason).to.equal("Tjek af 150387-xxxx mod ansøgningen");
      const access = await svc.ctx.db.selectFrom("audit_events").selectAll().where("action", "=", "user.cpr_access").execute();
      expect(access.map((e) => e.object_id)).to.deep.equal([w.users.alice]);

      await patch(ADMIN_TOKEN, `/api/admin/users/${w.users.alice}`, { cprAccess: false }).expect(200);
      expect((await post(w.tokens.alice, `/api/contacts/${kurt.id}/cpr`, { reason: "Igen" })).status).to.equal(403);

      // A caseworker made an external partner loses the right, and a later change back does not restore it.
      await patch(ADMIN_TOKEN, `/api/admin/users/${w.users.carl}`, { cprAccess: true }).expect(200);
      expect((await patch(ADMIN_TOKEN, `/api/admin/users/${w.users.carl}`, { role: "external" }).expect(200)).body.cprAccess).to.equal(false);
      expect((await patch(ADMIN_TOKEN, `/api/admin/users/${w.users.carl}`, { role: "caseworker" }).expect(200)).body.cprAccess).to.equal(false);
    });

    it("an external partner is never allowed, not even by an administrator", async () => {
      const refused = await patch(ADMIN_TOKEN, `/api/admin/users/${w.users.erik}`, { cprAccess: true });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal("cpr_access_for_external");
      expect((await post(w.tokens.erik, `/api/contacts/${kurt.id}/cpr`, { reason: "Nysgerrig" })).status).to.equal(403);
    });

    it("asks for a reason, and says so when the contact has no CPR number", async () => {
      expect((await post(ADMIN_TOKEN, `/api/contacts/${kurt.id}/cpr`, { reason: "  " })).status).to.equal(400);
      expect((await post(ADMIN_TOKEN, `/api/contacts/${kurt.id}/cpr`, {})).status).to.equal(400);
      const none = await newContact({ kind: "person", name: "Uden CPR" });
      const res = await post(ADMIN_TOKEN, `/api/contacts/${none.id}/cpr`, { reason: "Tjek" });
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal("no_cpr");
      expect((await post(ADMIN_TOKEN, "/api/contacts/no-such-contact/cpr", { reason: "Tjek" })).status).to.equal(404);
    });

    it("keeps no CPR number in clear anywhere in the database, and its key in the audit directory, readable by the service only", () => {
      const files = [svc.config.databaseFile, `${svc.config.databaseFile}-wal`].filter((f) => fs.existsSync(f));
      const bytes = Buffer.concat(files.map((f) => fs.readFileSync(f)));
      for (const cpr of [CPR.kurt, CPR.lille, CPR.leap, "230875-1236", "170412-4302", "110488-1673"]) {
        expect(bytes.includes(Buffer.from(cpr)), cpr).to.equal(false);
        expect(bytes.includes(Buffer.from(digits(cpr))), cpr).to.equal(false);
      }
      const key = contactKeyFile(svc.config.auditDir);
      expect(path.dirname(key)).to.equal(path.join(svc.dataDir, "audit"));
      expect(fs.statSync(key).size).to.equal(32);
      expect(fs.statSync(key).mode & 0o777).to.equal(0o600);
    });
  });

  describe("matching mail to contacts", () => {
    /** The addresses of a real mail from the corpus, as the service reads them: "Name <address>" or bare. */
    async function addressesOf(file: string): Promise<string[]> {
      const mail = await readMail(corpus(file), "mime", DEFAULT_READ_LIMITS);
      return [...(mail.from ? [mail.from] : []), ...mail.to, ...mail.cc].map((a) => (a.name ? `${a.name} <${a.address}>` : a.address));
    }

    it("finds the contacts of a real Danish Gmail message's sender and recipient", async () => {
      const paw = await newContact({ kind: "person", name: "Paw Møller", emails: ["pawsen@gmail.com"] });
      const addresses = await addressesOf("da-gmail-inline-image-and-attached-odt.eml");
      expect(addresses).to.deep.equal(["Paw Møller <pawsen@gmail.com>", "Paw Møller <pawsen@gmail.com>"]);
      const res = await post(w.tokens.alice, "/api/contacts/match", { addresses }).expect(200);
      expect(res.body.items).to.have.length(1);
      expect(res.body.items[0].address).to.equal("pawsen@gmail.com");
      expect(res.body.items[0].contacts.map((c: { id: string }) => c.id)).to.deep.equal([paw.id]);
    });

    it("matches every address of a mail's To header (named and bare), lower-cased, and answers unknown ones with none", async () => {
      const kreata = await newContact({ kind: "person", name: "Andris Kreata", emails: ["andris@kreata.ee"] });
      const reinman = await newContact({ kind: "person", name: "Andris Reinman", emails: ["andris+123@kreata.ee", "andris.reinman@gmail.com"] });
      const joe = await newContact({ kind: "person", name: "Joe Recipient", emails: ["joe_recipient@example.com"] });
      const gmail = await addressesOf("gmail-received-unicode-filenames-watch-html.eml");
      const receipt = await addressesOf("mdn-read-receipt-disposition-notification.eml");
      const raw = corpus("gmail-received-unicode-filenames-watch-html.eml").toString("latin1");
      const toHeader = /^To: (.*)$/m.exec(raw)![1]!.trim();
      const res = await post(w.tokens.carl, "/api/contacts/match", {
        addresses: [...gmail, ...receipt, toHeader, "Ukendt <nobody@example.org>", "ikke en adresse"],
      }).expect(200);
      const byAddress = Object.fromEntries(
        res.body.items.map((m: { address: string; contacts: Array<{ id: string }> }) => [m.address, m.contacts.map((c) => c.id)]),
      );
      expect(byAddress).to.deep.include({
        "andris@kreata.ee": [kreata.id],
        "andris+123@kreata.ee": [reinman.id],
        "andris.reinman@gmail.com": [reinman.id],
        "joe_recipient@example.com": [joe.id],
        "jane_sender@example.org": [],
        "nobody@example.org": [],
        "ikke en adresse": [],
      });
      expect(res.body.items.map((m: { address: string }) => m.address)).to.have.length(new Set(Object.keys(byAddress)).size);
    });

    it("looks up at most 200 addresses, however they are packed into the strings (422 beyond)", async () => {
      // 12 strings of 18 addresses each (each string within its 320 characters): 216 addresses in all.
      const packed = Array.from({ length: 12 }, (_, k) => Array.from({ length: 18 }, (_, i) => `p${k}-${i}@ex.dk`).join(","));
      const res = await post(w.tokens.alice, "/api/contacts/match", { addresses: packed });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("too_many_addresses");
      expect((await post(w.tokens.alice, "/api/contacts/match", { addresses: packed.slice(0, 11) }).expect(200)).body.items).to.have.length(198);
    });

    it("lets an external partner match only the contacts they may see", async () => {
      const res = await post(w.tokens.erik, "/api/contacts/match", { addresses: ["pawsen@gmail.com"] }).expect(200);
      expect(res.body.items).to.deep.equal([{ address: "pawsen@gmail.com", contacts: [] }]);
      expect((await post(w.tokens.erik, "/api/contacts/match", { addresses: [] })).status).to.equal(400);
    });
  });

  describe("merging duplicates", () => {
    it("moves the duplicate's addresses to the survivor, fills what it lacks, and answers the survivor for the old id", async () => {
      const survivor = await newContact({ kind: "person", name: "Mikkel Thomsen", emails: ["mikkel@example.net"] });
      const duplicate = await newContact({
        kind: "person",
        name: "M. Thomsen",
        emails: ["test@example.com", "mikkel@example.net"],
        phone: "+45 40 50 60 70",
        cpr: "110488-1673",
      });
      const merged = await post(w.tokens.alice, `/api/contacts/${survivor.id}/merge`, { duplicateId: duplicate.id });
      expect(merged.status, JSON.stringify(merged.body)).to.equal(200);
      expect(merged.body).to.include({ id: survivor.id, name: "Mikkel Thomsen", phone: "+45 40 50 60 70", cprMasked: "110488-xxxx" });
      expect(merged.body.emails).to.deep.equal(["mikkel@example.net", "test@example.com"]);
      expect(merged.headers.etag).to.equal(merged.body.etag).and.not.equal(survivor.etag);
      const old = await get(w.tokens.carl, `/api/contacts/${duplicate.id}`).expect(200);
      expect(old.body.id).to.equal(survivor.id);
      expect((await walk(w.tokens.alice, { q: "thomsen" })).names).to.deep.equal(["Mikkel Thomsen"]);
      const match = await post(w.tokens.alice, "/api/contacts/match", { addresses: ["test@example.com"] }).expect(200);
      expect(match.body.items[0].contacts.map((c: { id: string }) => c.id)).to.deep.equal([survivor.id]);
      // The CPR number went with it, sealed again for the survivor.
      expect((await post(ADMIN_TOKEN, `/api/contacts/${survivor.id}/cpr`, { reason: "Efter sammenlægning" }).expect(200)).body.cpr).to.equal("110488-1673");
      expect((await auditOf(survivor.id)).map((e) => e.action)).to.include("contact.merge");
      expect((await auditOf(duplicate.id)).map((e) => e.action)).to.include("contact.merged_into");
    });

    it("the retired duplicate keeps nothing personal; a CPR number the survivor did not take is named masked in the record", async () => {
      const a = await newContact({ kind: "person", name: "Dublet A", cpr: "020290-1111", phone: "+45 11 11 11 11" });
      const b = await newContact({ kind: "person", name: "Dublet B", cpr: "030390-2222", phone: "+45 22 22 22 22", note: "Gammel note" });
      await post(w.tokens.alice, `/api/contacts/${a.id}/merge`, { duplicateId: b.id }).expect(200);
      const retired = await svc.ctx.db.selectFrom("contacts").selectAll().where("id", "=", b.id).executeTakeFirstOrThrow();
      expect(retired).to.include({ merged_into: a.id, cpr_sealed: null, cpr_digest: null, cpr_masked: null, phone: null, address: null, note: "" });
      const merge = (await auditOf(a.id)).find((e) => e.action === "contact.merge")!;
      expect(JSON.parse(merge.details).cprDiscarded).to.equal("030390-xxxx");
    });

    it("refuses merging into itself, an already merged contact either way, another kind, and an unknown duplicate", async () => {
      const a = await newContact({ kind: "person", name: "Dublet A" });
      const b = await newContact({ kind: "person", name: "Dublet B" });
      const org = await newContact({ kind: "organisation", name: "Dublet Firma" });
      const refuse = async (survivor: string, duplicateId: string, status: number, code: string) => {
        const res = await post(w.tokens.alice, `/api/contacts/${survivor}/merge`, { duplicateId });
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.body.code).to.equal(code);
      };
      await refuse(a.id, a.id, 422, "merge_into_itself");
      await refuse(a.id, org.id, 422, "contact_kinds_differ");
      await refuse(a.id, "no-such-contact", 422, "unknown_contact");
      await refuse("no-such-contact", a.id, 404, "not_found");
      await post(w.tokens.alice, `/api/contacts/${a.id}/merge`, { duplicateId: b.id }).expect(200);
      await refuse(a.id, b.id, 409, "contact_merged");
      await refuse(b.id, a.id, 409, "contact_merged");
      expect((await post(w.tokens.erik, `/api/contacts/${a.id}/merge`, { duplicateId: org.id })).status).to.equal(403);
    });
  });

  describe("bad input", () => {
    it("answers problem+json 4xx, never 5xx, to junk on every contact endpoint", async () => {
      const c = await newContact({ kind: "person", name: "Robust" });
      const junk: unknown[] = [
        null,
        [],
        "tekst",
        42,
        { kind: null },
        { name: { nested: true } },
        { addresses: "a@b.dk" },
        { duplicateId: 7 },
        { reason: ["x"] },
      ];
      const routes: Array<[string, string]> = [
        ["post", "/api/contacts"],
        ["patch", `/api/contacts/${c.id}`],
        ["post", `/api/contacts/${c.id}/cpr`],
        ["post", `/api/contacts/${c.id}/merge`],
        ["post", "/api/contacts/match"],
      ];
      for (const [method, url] of routes) {
        for (const body of junk) {
          const res = await (api() as unknown as Record<string, (u: string) => request.Test>)[method]!(url)
            .auth(w.tokens.alice, bearer)
            .set("Content-Type", "application/json")
            .send(JSON.stringify(body));
          expect(res.status, `${method} ${url} ${JSON.stringify(body)}`).to.be.within(400, 499);
          expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
        }
      }
      for (const url of [
        "/api/contacts/%ff",
        `/api/contacts/${"x".repeat(101)}`,
        `/api/contacts/${c.id}/cases?limit=-1`,
        `/api/contacts/${c.id}/documents?cursor=!`,
      ]) {
        const res = await get(w.tokens.alice, url);
        expect(res.status, url).to.be.within(400, 499);
      }
    });
  });
});

describe("contacts in the service log", () => {
  it("a CPR number stored, looked up and revealed never reaches the log at info", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-contacts-log-"));
    const lines: string[] = [];
    const config = loadConfig({
      DATA_DIR: dataDir,
      ...(await scaleBackends(path.basename(dataDir))),
      PORT: "0",
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      LOG_LEVEL: "info",
      IMS_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    const svc = await startService(config, { logDestination: { write: (line: string) => lines.push(line) } });
    try {
      const auth = (req: request.Test) => req.auth(ADMIN_TOKEN, bearer);
      const made = await auth(request(svc.url).post("/api/contacts")).send({ kind: "person", name: "Logget Person", cpr: CPR.kurt }).expect(201);
      await auth(request(svc.url).get("/api/contacts")).query({ cpr: CPR.kurt }).expect(200);
      await auth(request(svc.url).post(`/api/contacts/${made.body.id}/cpr`))
        .send({ reason: "Test af loggen" })
        .expect(200);
      await auth(request(svc.url).post("/api/contacts")).send({ kind: "person", name: "Forkert", cpr: "310290-1234" }).expect(400);
      const log = lines.join("");
      expect(log).to.contain("/api/contacts");
      for (const text of [CPR.kurt, digits(CPR.kurt), "310290-1234", "3102901234"]) expect(log).not.to.contain(text);
    } finally {
      await svc.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
