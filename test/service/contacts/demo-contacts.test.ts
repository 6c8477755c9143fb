import { expect } from "chai";
import request from "supertest";
import { cprBirthDate, cvrHolds } from "../../../shared/api/schemas/contacts.ts";
import { DEFAULT_READ_LIMITS } from "../../../service/features/mail/parsed-mail.ts";
import { readMail } from "../../../service/features/mail/read-mail.ts";
import { DEMO_CONTACTS } from "../../../service/seed/demo-contacts.ts";
import { corpus } from "../../support/fixtures.ts";
import { bearer } from "../../support/http.ts";
import { startTestService, type TestService } from "../../support/service.ts";

// The demo archive's contacts: persons and organisations on the demo cases, and the people of its mail.

const TOKENS = { anne: "demo-token-anne-0123456789", bent: "demo-token-bent-0123456789", eva: "demo-token-eva-01234567890" };

describe("demo contacts (SEED_DEMO=true)", () => {
  let svc: TestService;
  const get = (token: string, url: string) => request(svc.url).get(url).auth(token, bearer);

  before(async function () {
    this.timeout(60_000);
    svc = await startTestService({ SEED_DEMO: "true", IMS_DEMO_TOKEN_ANNE: TOKENS.anne, IMS_DEMO_TOKEN_BENT: TOKENS.bent, IMS_DEMO_TOKEN_EVA: TOKENS.eva });
  });
  after(() => svc.dispose());

  it("holds a dozen and more contacts with valid made-up CPR and CVR numbers, shown masked", async () => {
    expect(DEMO_CONTACTS.length).to.be.at.least(12);
    for (const { contact } of DEMO_CONTACTS) {
      if (contact.cpr) expect(cprBirthDate(contact.cpr), contact.name).to.be.a("string");
      if (contact.cvr) expect(cvrHolds(contact.cvr), contact.name).to.equal(true);
    }
    const res = await get(TOKENS.anne, "/api/contacts").query({ limit: 200 }).expect(200);
    expect(res.body.items.map((c: { name: string }) => c.name)).to.have.members(DEMO_CONTACTS.map((d) => d.contact.name));
    const kurt = res.body.items.find((c: { name: string }) => c.name === "Kurt Jensen");
    expect(kurt.cprMasked).to.equal("120306-xxxx");
    expect(res.text).not.to.contain("120306-4413");
  });

  it("lets Anne, who keeps the pupil cases, reveal a CPR number with a reason; Bent may not", async () => {
    expect((await get(TOKENS.anne, "/api/me").expect(200)).body.cprAccess).to.equal(true);
    expect((await get(TOKENS.bent, "/api/me").expect(200)).body.cprAccess).to.equal(false);
    const kurt = (await get(TOKENS.anne, "/api/contacts").query({ q: "Kurt" }).expect(200)).body.items.find((c: { name: string }) => c.name === "Kurt Jensen");
    const reveal = (token: string) => request(svc.url).post(`/api/contacts/${kurt.id}/cpr`).auth(token, bearer).send({ reason: "Aktindsigt" });
    expect((await reveal(TOKENS.anne).expect(200)).body.cpr).to.equal("120306-4413");
    expect((await reveal(TOKENS.bent).expect(403)).body.code).to.equal("cpr_access_required");
  });

  it("proposes the contacts of the demo mail's senders and recipients", async () => {
    const addresses: string[] = [];
    for (const file of ["da-gmail-inline-image-and-attached-odt.eml", "unquoted-filename-with-spaces.eml", "forwarded-rfc822-with-inline-image.eml"]) {
      const mail = await readMail(corpus(file), "mime", DEFAULT_READ_LIMITS);
      addresses.push(...[mail.from, ...mail.to, ...mail.cc].flatMap((a) => (a ? [a.address] : [])));
    }
    const res = await request(svc.url).post("/api/contacts/match").auth(TOKENS.bent, bearer).send({ addresses }).expect(200);
    const found = Object.fromEntries(
      res.body.items.map((m: { address: string; contacts: Array<{ name: string }> }) => [m.address, m.contacts.map((c) => c.name)]),
    );
    expect(found).to.deep.include({
      "pawsen@gmail.com": ["Paw Møller"],
      "foo@example.com": ["Designmuseum Nordjylland"],
      "blah@example.com": ["Karen Blach"],
      "test@example.com": ["Mikkel Thomsen"],
    });
  });

  it("puts the contacts on the demo cases and documents, and the external partner sees only those on shared cases", async () => {
    const cases = (await get(TOKENS.bent, "/api/cases").query({ limit: 200 }).expect(200)).body.items as Array<{ id: string; title: string }>;
    const designmuseum = cases.find((c) => c.title === "Designmuseum Nordjylland")!;
    const parties = (await get(TOKENS.bent, `/api/cases/${designmuseum.id}/parties`).expect(200)).body.items;
    expect(parties.map((p: { contact: { name: string }; role: { nameDa: string } }) => `${p.contact.name} (${p.role.nameDa})`)).to.have.members([
      "Designmuseum Nordjylland (Ansøger)",
      "Paw Møller (Part)",
    ]);
    const seen = (await get(TOKENS.eva, "/api/contacts").query({ limit: 200 }).expect(200)).body.items.map((c: { name: string }) => c.name);
    expect(seen).to.include.members(["Skibsbevaringsfonden", "Naturfonden Nord"]).and.not.include("Kurt Jensen");
  });
});
