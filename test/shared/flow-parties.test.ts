import { expect } from "chai";
import { ApiError, NetworkError, type ImsClient } from "../../shared/index.ts";
import type { ContactMatch, ContactSummary, NewContact, NewParty, Party, PartyRole } from "../../shared/api/types.ts";
import {
  addedParties,
  addParties,
  chooseAlsoOnCase,
  chooseRole,
  createContactFor,
  displayNamesIn,
  editNewContact,
  loadPartyProposals,
  mailPartiesOf,
  mailPartiesOfView,
  nameFromAddress,
  namedAddressesIn,
  pendingParties,
  selectParty,
  skipParties,
  type PartyProposals,
} from "../../shared/flow/parties.ts";

const role = (id: string, nameDa: string, nameEn: string, appliesTo: PartyRole["appliesTo"], active = true): PartyRole => ({
  id,
  nameDa,
  nameEn,
  appliesTo,
  active,
});
const ROLES = [
  role("role-elev", "Elev", "Pupil", "case"),
  role("role-part", "Part", "Party", "both"),
  role("role-afsender", "Afsender", "Sender", "document"),
  role("role-modtager", "Modtager", "Recipient", "document"),
  role("role-kopimodtager", "Kopimodtager", "Copy recipient", "document"),
  role("role-gammel", "Gammel", "Old", "document", false),
];
const contact = (id: string, name: string, ...emails: string[]): ContactSummary => ({
  id,
  kind: "person",
  name,
  emails,
  phone: null,
  cvr: null,
  cprMasked: null,
});
const MOR = contact("c-mor", "Hanne Møller", "mor@example.dk");
const SKOLE = { ...contact("c-skole", "Glade Børn Skole", "skole@example.dk", "kontor@example.dk"), kind: "organisation" as const };
const LAERER = contact("c-laerer", "Bo Lærer", "bo@example.dk");

const party = (c: ContactSummary, roleId: string): Party => ({
  id: `p-${c.id}-${roleId}`,
  contact: c,
  role: ROLES.find((r) => r.id === roleId)!,
  addedAt: "2026-12-02T10:00:00Z",
  addedBy: { id: "u", name: "Alice" },
});

/** A client with what the proposal talks to: the directory of contacts, the roles and the parties, in memory. */
function fakeArchive(
  options: { contacts?: ContactSummary[]; caseParties?: Party[]; failAdd?: (p: NewParty, on: string) => unknown; failMatch?: unknown } = {},
) {
  const contacts = [...(options.contacts ?? [MOR, SKOLE, LAERER])];
  const parties: Array<{ on: "case" | "document"; id: string; contactId: string; roleId: string }> = (options.caseParties ?? []).map((p) => ({
    on: "case",
    id: "case-1",
    contactId: p.contact.id,
    roleId: p.role.id,
  }));
  const calls: string[] = [];
  let failAdd = options.failAdd;
  const client = {
    async matchContacts(addresses: string[]): Promise<ContactMatch[]> {
      calls.push(`match ${addresses.join(",")}`);
      if (options.failMatch) throw options.failMatch;
      return addresses.map((address) => ({ address, contacts: contacts.filter((c) => c.emails.includes(address.toLowerCase())) }));
    },
    async partyRoles() {
      calls.push("roles");
      return ROLES;
    },
    async parties(on: "case" | "document", id: string): Promise<Party[]> {
      calls.push(`parties ${on} ${id}`);
      return parties
        .filter((p) => p.on === on && p.id === id)
        .map((p) =>
          party(
            contacts.find((c) => c.id === p.contactId)!,
            p.roleId,
          ),
        );
    },
    async createContact(input: NewContact) {
      calls.push(`create ${input.name} ${input.emails?.join(",")}`);
      const made = { ...contact(`c-${contacts.length + 1}`, input.name, ...(input.emails ?? [])), kind: input.kind };
      contacts.push(made);
      return { ...made, address: null, note: "", createdAt: "", createdBy: { id: "u", name: "Alice" }, changedAt: "", etag: '"0"' };
    },
    async addParty(on: "case" | "document", id: string, p: NewParty): Promise<Party> {
      calls.push(`add ${on} ${p.contactId} ${p.roleId}`);
      const refusal = failAdd?.(p, on);
      if (refusal) throw refusal;
      if (parties.some((x) => x.on === on && x.id === id && x.contactId === p.contactId && x.roleId === p.roleId))
        throw new ApiError(409, "party_exists", "already a party in that role", null);
      parties.push({ on, id, ...p });
      return party(
        contacts.find((c) => c.id === p.contactId)!,
        p.roleId,
      );
    },
  };
  return {
    client: client as unknown as ImsClient,
    calls,
    parties,
    stopFailing: () => (failAdd = undefined),
  };
}

const MAIL = {
  from: "Mor@Example.dk",
  to: ["skole@example.dk", "ukendt.person@firma.dk"],
  cc: ["bo@example.dk", "mor@example.dk"],
  references: [],
  names: { "mor@example.dk": "Hanne Møller", "ukendt.person@firma.dk": "Ukendt Person (Firma A/S)" },
};
const source = (caseId: string | null = "case-1") => ({ documentId: "doc-1", caseId, mail: mailPartiesOf(MAIL) });

describe("the save flow's party proposal after a mail is saved", () => {
  it("takes From, To and Cc in that order, each address once, with the names the host gave", () => {
    expect(mailPartiesOf(MAIL)).to.deep.equal([
      { header: "from", address: "mor@example.dk", name: "Hanne Møller" },
      { header: "to", address: "skole@example.dk", name: "" },
      { header: "to", address: "ukendt.person@firma.dk", name: "Ukendt Person (Firma A/S)" },
      { header: "cc", address: "bo@example.dk", name: "" },
    ]);
    expect(
      mailPartiesOfView({
        from: { name: "Paw", address: "paw@example.dk" },
        to: [{ name: "", address: "PAW@example.dk" }],
        cc: [{ name: "Skolen", address: "skole@example.dk" }],
      }),
    ).to.deep.equal([
      { header: "from", address: "paw@example.dk", name: "Paw" },
      { header: "cc", address: "skole@example.dk", name: "Skolen" },
    ]);
  });

  it("reads display names out of header values, quoted commas and all", () => {
    expect(namedAddressesIn(`"Møller, Paw" <Paw@Example.dk>, skole@example.dk; Bo Lærer <bo@example.dk>, kontor@example.dk (Kontoret)`)).to.deep.equal([
      { name: "Møller, Paw", address: "paw@example.dk" },
      { name: "", address: "skole@example.dk" },
      { name: "Bo Lærer", address: "bo@example.dk" },
      { name: "Kontoret", address: "kontor@example.dk" },
    ]);
    expect(displayNamesIn(`"Møller, Paw" <paw@example.dk>`, "", `"skole@example.dk" <skole@example.dk>`)).to.deep.equal({ "paw@example.dk": "Møller, Paw" });
    expect(nameFromAddress("kurt.jensen2@skole.dk")).to.equal("Kurt Jensen");
  });

  it("proposes the contacts the addresses belong to, ticks the sender and those party to the case, and offers the rest as new contacts", async () => {
    const archive = fakeArchive({ caseParties: [party(LAERER, "role-elev")] });
    const p = await loadPartyProposals(archive.client, source());
    expect(p.phase).to.equal("ready");
    expect(
      p.roles.map((r) => r.id),
      "document roles, active ones",
    ).to.deep.equal(["role-part", "role-afsender", "role-modtager", "role-kopimodtager"]);
    expect(p.caseRoleId).to.equal("role-part");
    expect(p.rows.map((r) => [r.address, r.contact?.name ?? null, r.roleId, r.selected, r.onCase])).to.deep.equal([
      ["mor@example.dk", "Hanne Møller", "role-afsender", true, false],
      ["skole@example.dk", "Glade Børn Skole", "role-modtager", false, false],
      ["ukendt.person@firma.dk", null, "role-modtager", false, false],
      ["bo@example.dk", "Bo Lærer", "role-kopimodtager", true, true],
    ]);
    expect(p.rows[2].name, "the display name, for the new contact").to.equal("Ukendt Person (Firma A/S)");
    expect(archive.calls).to.include.members([
      "match mor@example.dk,skole@example.dk,ukendt.person@firma.dk,bo@example.dk",
      "parties case case-1",
      "parties document doc-1",
    ]);
    // Serialisable as it is: the Gmail add-on keeps it in the cache between two card actions.
    expect(JSON.parse(JSON.stringify(p))).to.deep.equal(p);
  });

  it("a contact with two of the mail's addresses is proposed once; a floating document has no case to add to", async () => {
    const both = { ...MAIL, from: "kontor@example.dk" };
    const p = await loadPartyProposals(fakeArchive().client, { documentId: "doc-1", caseId: null, mail: mailPartiesOf(both) });
    expect(p.rows.filter((r) => r.contact?.id === "c-skole").map((r) => r.header)).to.deep.equal(["from"]);
    expect(p.caseRoleId).to.equal(null);
    expect(chooseAlsoOnCase(p, true).alsoOnCase).to.equal(false);
  });

  it("a mail to more addresses than one lookup takes is looked up in parts, and every known one is proposed", async () => {
    const school = Array.from({ length: 450 }, (_, i) => `elev${i}@example.dk`);
    const archive = fakeArchive({ contacts: [MOR, contact("c-elev-449", "Elev 449", "elev449@example.dk")] });
    const p = await loadPartyProposals(archive.client, { documentId: "doc-1", caseId: "case-1", mail: mailPartiesOf({ ...MAIL, to: school, cc: [] }) });
    expect(p.phase).to.equal("ready");
    expect(archive.calls.filter((c) => c.startsWith("match ")).map((c) => c.split(",").length)).to.deep.equal([200, 200, 51]);
    expect(p.rows.filter((r) => r.contact).map((r) => r.contact!.name)).to.deep.equal(["Hanne Møller", "Elev 449"]);
  });

  it("when the contacts cannot be looked up the proposal is unavailable, with the reason, and nothing else happens", async () => {
    const archive = fakeArchive({ failMatch: new NetworkError("offline") });
    const p = await loadPartyProposals(archive.client, source());
    expect(p.phase).to.equal("unavailable");
    expect(p.failure?.key).to.be.a("string");
    expect(p.rows).to.deep.equal([]);
    expect(pendingParties(p)).to.deep.equal([]);
  });

  it("adds the ticked contacts to the document in their roles, and to the case as Part when asked, except those on the case already", async () => {
    const archive = fakeArchive({ caseParties: [party(LAERER, "role-elev")] });
    let p = await loadPartyProposals(archive.client, source());
    p = selectParty(p, "r1", true);
    p = chooseRole(p, "r1", "role-part");
    p = chooseRole(p, "r1", "role-elev"); // a case-only role: not for a document, ignored
    p = chooseAlsoOnCase(p, true);
    const seen: PartyProposals["phase"][] = [];
    p = await addParties(archive.client, p, (s) => seen.push(s.phase));
    expect(seen[0]).to.equal("adding");
    expect(p.phase).to.equal("finished");
    expect(archive.parties.map((x) => `${x.on} ${x.contactId} ${x.roleId}`)).to.deep.equal([
      "case c-laerer role-elev",
      "document c-mor role-afsender",
      "case c-mor role-part",
      "document c-skole role-part",
      "case c-skole role-part",
      "document c-laerer role-kopimodtager",
    ]);
    expect(addedParties(p).map((r) => r.contact!.name)).to.deep.equal(["Hanne Møller", "Glade Børn Skole", "Bo Lærer"]);
    expect(pendingParties(p)).to.deep.equal([]);
  });

  it("creates a contact from an unknown address with the name as edited, and proposes it ticked", async () => {
    const archive = fakeArchive();
    let p = await loadPartyProposals(archive.client, source());
    p = editNewContact(p, "r2", { name: "  " });
    p = await createContactFor(archive.client, p, "r2");
    expect(p.rows[2].failure).to.deep.equal({ key: "parties.nameRequired" });
    expect(archive.calls.filter((c) => c.startsWith("create"))).to.deep.equal([]);
    p = editNewContact(p, "r2", { name: "Firma A/S", kind: "organisation" });
    p = await createContactFor(archive.client, p, "r2");
    expect(archive.calls).to.include("create Firma A/S ukendt.person@firma.dk");
    const row = p.rows[2];
    expect([row.contact?.name, row.contact?.kind, row.created, row.selected, row.roleId, row.failure]).to.deep.equal([
      "Firma A/S",
      "organisation",
      true,
      true,
      "role-modtager",
      null,
    ]);
    // Created once: asking again for the same row does nothing.
    p = await createContactFor(archive.client, p, "r2");
    expect(archive.calls.filter((c) => c.startsWith("create"))).to.have.length(1);
    expect((await addParties(archive.client, p)).phase).to.equal("finished");
    expect(archive.parties.map((x) => x.contactId)).to.deep.equal(["c-mor", "c-4"]);
  });

  it("a failed addition keeps its failure at its row while the others are added; trying again sends only what is left", async () => {
    let refuseSchool = true;
    const archive = fakeArchive({ failAdd: (x) => (refuseSchool && x.contactId === "c-skole" ? new ApiError(503, "unavailable", "busy", null) : null) });
    let p = await loadPartyProposals(archive.client, source());
    p = selectParty(p, "r1", true);
    p = selectParty(p, "r3", true);
    p = await addParties(archive.client, p);
    expect(p.phase).to.equal("ready");
    expect(p.rows.map((r) => [r.key, r.added.document, r.failure !== null])).to.deep.equal([
      ["r0", true, false],
      ["r1", false, true],
      ["r2", false, false],
      ["r3", true, false],
    ]);
    expect(pendingParties(p).map((x) => x.contactId)).to.deep.equal(["c-skole"]);
    // An added contact cannot be unticked or given another role afterwards.
    expect(selectParty(p, "r0", false).rows[0].selected).to.equal(true);
    expect(chooseRole(p, "r0", "role-part").rows[0].roleId).to.equal("role-afsender");

    refuseSchool = false;
    const before = archive.calls.filter((c) => c.startsWith("add")).length;
    p = await addParties(archive.client, p);
    expect(archive.calls.filter((c) => c.startsWith("add")).slice(before)).to.deep.equal(["add document c-skole role-modtager"]);
    expect(p.phase).to.equal("finished");
    expect(p.rows.every((r) => r.failure === null)).to.equal(true);
    expect(archive.parties.filter((x) => x.on === "document").map((x) => x.contactId)).to.deep.equal(["c-mor", "c-laerer", "c-skole"]);
  });

  it("an addition whose answer was lost counts as added when the service says the party is there already", async () => {
    const archive = fakeArchive();
    let p = await loadPartyProposals(archive.client, source());
    // The service stored it, but the pane never heard: it is ticked and not marked added.
    archive.parties.push({ on: "document", id: "doc-1", contactId: "c-mor", roleId: "role-afsender" });
    p = await addParties(archive.client, p);
    expect(p.phase).to.equal("finished");
    expect(p.rows[0].added.document).to.equal(true);
    expect(archive.parties.filter((x) => x.contactId === "c-mor")).to.have.length(1);
  });

  it("a contact party to the document already shows as added and is not sent again", async () => {
    const archive = fakeArchive();
    archive.parties.push({ on: "document", id: "doc-1", contactId: "c-skole", roleId: "role-modtager" });
    const p = await loadPartyProposals(archive.client, source());
    expect(p.rows[1].added.document).to.equal(true);
    expect(pendingParties(p).map((x) => x.contactId)).to.deep.equal(["c-mor"]);
  });

  it("the person may skip: nothing is added", async () => {
    const archive = fakeArchive();
    const p = skipParties(await loadPartyProposals(archive.client, source()));
    expect(p.phase).to.equal("skipped");
    expect(archive.calls.filter((c) => c.startsWith("add"))).to.deep.equal([]);
  });
});
