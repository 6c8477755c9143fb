import type { Executor } from "../../service/db/database.ts";
import { createAccessGroup } from "../../service/features/access/access-groups.service.ts";
import { createJournalEntry } from "../../service/features/journal-plan/journal-plan.service.ts";
import { createDocumentType, createRetentionRule } from "../../service/features/retention/retention.service.ts";
import { createTemplate } from "../../service/features/templates/templates.service.ts";
import { createGroup, createUser } from "../../service/features/users/users.service.ts";
import type { World } from "../support/world.ts";
import type { KindKey, TypeKey } from "./archive-text.ts";

// The organisation of the bench archive: a municipality's school administration of seven schools, 200
// people and 51 access groups. Each school has its own access group for each of the seven kinds of case
// (49), worked by the school's own teams; PPR (pedagogical psychology, where alice works) serves every
// school and sees every school's pupils' and special needs cases; one group narrows confidential notes,
// and the test world's partners group is the 51st. Made through the service's own functions.

export const SCHOOLS = ["Nordskolen", "Søndervangsskolen", "Østerbyskolen", "Vestergårdsskolen", "Midtbyskolen", "Engskolen", "Bakkeskolen"];
const KINDS: KindKey[] = ["pupil", "special", "board", "personnel", "finance", "sfo", "operations"];
const FIRST = "Anna Mads Sofie Jonas Ida Oliver Freja Lucas Emma Noah Clara Søren Åse Mathilde Victor Karla William Alma Magnus Ella".split(" ");
const LAST = "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Madsen Kristensen Olsen Thomsen".split(" ");

/** Each school's teams: its user group, how many people beyond the test world's, and the kinds of case it works (its access groups). */
const TEAMS: Array<{ name: string; size: number; kinds: KindKey[]; works: KindKey }> = [
  { name: "Skolekontoret", size: 6, kinds: ["pupil", "sfo"], works: "pupil" },
  { name: "Bestyrelsessekretariatet", size: 3, kinds: ["board"], works: "board" },
  { name: "Personaleafdelingen", size: 5, kinds: ["personnel"], works: "personnel" },
  { name: "Økonomiafdelingen", size: 5, kinds: ["finance"], works: "finance" },
  { name: "SFO-ledelsen", size: 4, kinds: ["sfo"], works: "sfo" },
  { name: "Teknisk service", size: 4, kinds: ["operations"], works: "operations" },
];
const PPR_SIZE = 7;

/** The people and rules of the bench archive, beyond the test world's alice, bob, carl and erik. */
export interface BenchWorld extends World {
  /** Everyone who may own or change something, the world's caseworkers first (alice 0, bob 1, carl 2). */
  people: Array<{ id: string; name: string; email: string }>;
  templatesByKind: Record<KindKey, string>;
  /** Each kind's access group at each school (by index into SCHOOLS). */
  accessGroupsByKind: Record<KindKey, string[]>;
  /** Who works each kind of case at each school, by index into `people`. */
  staffByKind: Record<KindKey, number[][]>;
  /** The group tasks on each kind of case at each school may be assigned to. */
  groupsByKind: Record<KindKey, string[]>;
  /** Narrows documents inside visible cases: alice is not in it. */
  confidentialGroup: string;
  typesByKey: Record<TypeKey, string>;
  /** Alice's access groups (PPR: every school's pupils and special needs) and her user groups. */
  alice: { accessGroups: string[]; groups: string[] };
  /** A school secretary at Søndervangsskolen: a caseworker in two of the 51 access groups, as most are. */
  secretary: { id: string; email: string; accessGroups: string[] };
}

export async function buildOrganisation(db: Executor, world: World): Promise<BenchWorld> {
  // buildWorld does not return its groups' ids; they are found by the names it gives them.
  const groupNamed = async (name: string) => (await db.selectFrom("groups").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
  const people: BenchWorld["people"] = [];
  for (const id of [world.users.alice, world.users.bob, world.users.carl])
    people.push(await db.selectFrom("users").select(["id", "name", "email"]).where("id", "=", id).executeTakeFirstOrThrow());
  const hire = async () => {
    const k = people.length - 3;
    const first = FIRST[k % FIRST.length];
    const last = LAST[Math.floor(k / FIRST.length) % LAST.length];
    const email = `${first}.${last}.${k}@skole.dk`.toLowerCase().replaceAll("æ", "ae").replaceAll("ø", "oe").replaceAll("å", "aa");
    const u = await createUser(db, null, { email, name: `${first} ${last}`, role: "caseworker" });
    people.push({ id: u.id, name: u.name, email: u.email });
    return people.length - 1;
  };
  const hireMany = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await hire());
    return out;
  };
  const ids = (indices: number[]) => indices.map((i) => people[i].id);

  const ppr = [0, ...(await hireMany(PPR_SIZE))];
  const pprGroup = await createGroup(db, null, "PPR-teamet", ids(ppr));
  const accessGroupsByKind = Object.fromEntries(KINDS.map((k) => [k, [] as string[]])) as Record<KindKey, string[]>;
  const staffByKind = Object.fromEntries(KINDS.map((k) => [k, [] as number[][]])) as Record<KindKey, number[][]>;
  const groupsByKind = Object.fromEntries(KINDS.map((k) => [k, [] as string[]])) as Record<KindKey, string[]>;
  let secretary = 0;
  for (const [s, school] of SCHOOLS.entries()) {
    const teams: Array<{ group: string; people: number[]; kinds: KindKey[]; works: KindKey }> = [];
    for (const team of TEAMS) {
      const hired = await hireMany(team.size);
      // The test world's school office (alice and carl) and board secretariat (bob) are the first school's.
      const own = s === 0 && team.name === "Skolekontoret" ? [0, 2] : s === 0 && team.name === "Bestyrelsessekretariatet" ? [1] : [];
      const group = own.length ? await groupNamed(team.name) : (await createGroup(db, null, `${team.name}, ${school}`, ids(hired))).id;
      if (own.length)
        await db
          .insertInto("group_members")
          .values(ids(hired).map((user_id) => ({ group_id: group, user_id })))
          .execute();
      teams.push({ group, people: [...own, ...hired], kinds: team.kinds, works: team.works });
      if (s === 1 && team.name === "Skolekontoret") secretary = hired[0];
    }
    for (const kind of KINDS) {
      const groupIds = [...teams.filter((t) => t.kinds.includes(kind)).map((t) => t.group), ...(kind === "pupil" || kind === "special" ? [pprGroup.id] : [])];
      // The test world's pupils' and board access groups are the first school's; PPR joins its pupils'.
      const existing = s === 0 && kind === "pupil" ? world.accessGroups.school : s === 0 && kind === "board" ? world.accessGroups.board : null;
      if (existing && kind === "pupil")
        await db.insertInto("access_group_members").values({ access_group_id: existing, member_type: "group", member_id: pprGroup.id }).execute();
      accessGroupsByKind[kind].push(
        existing ?? (await createAccessGroup(db, null, `${ACCESS_NAMES[kind]}, ${school}`, `${kind} (${school})`, { groupIds })).id,
      );
      // Special needs cases are PPR's at every school; alice (PPR) also has pupils' cases of her own at every school.
      const team = kind === "special" ? { people: ppr, group: pprGroup.id } : teams.find((t) => t.works === kind)!;
      staffByKind[kind].push(kind === "pupil" ? [...new Set([0, ...team.people])] : team.people);
      groupsByKind[kind].push(team.group);
    }
  }

  const confidential = await createAccessGroup(db, null, "Fortrolige elevsager", "Confidential pupils' documents", {
    userIds: [world.users.carl, ...ids(ppr.slice(1, 3))],
  });
  const fiveAfterCreate = await createRetentionRule(db, null, { name: "5 år efter oprettelse", kind: "after_document_created", years: 5 });
  const contract = await createDocumentType(db, null, { name: "Ansættelsesbrev", category: "Personale", retentionRuleId: world.rules.fiveAfterClose });
  const invoice = await createDocumentType(db, null, { name: "Bilag", category: "Regnskab", retentionRuleId: fiveAfterCreate.id });
  const confidentialNote = await createDocumentType(db, null, {
    name: "Fortroligt notat",
    category: "Notat",
    retentionRuleId: world.rules.fiveAfterClose,
    accessGroupId: confidential.id,
  });
  await createJournalEntry(db, null, { code: "17.01.10", title: "Specialundervisning", parentCode: "17.01" });
  await createJournalEntry(db, null, { code: "81.03.00", title: "Ansættelse af personale" });
  await createJournalEntry(db, null, { code: "00.32.00", title: "Budget og regnskab" });
  await createJournalEntry(db, null, { code: "17.05.00", title: "SFO og fritidshjem" });
  await createJournalEntry(db, null, { code: "82.02.00", title: "Bygningers drift og vedligehold" });
  const template = async (name: string, accessGroupId: string, journalCode: string, documentTypeIds: string[]) =>
    (await createTemplate(db, null, { name, accessGroupId, journalCode, fields: [], documentTypeIds })).id;
  const t = world.types;
  const a = accessGroupsByKind;
  const templatesByKind = {
    pupil: world.templates.pupil,
    special: await template("Specialundervisningssag", a.special[0], "17.01.10", [t.pupil, t.note, t.letter, confidentialNote.id]),
    board: world.templates.board,
    personnel: await template("Personalesag", a.personnel[0], "81.03.00", [contract.id, t.letter, t.note]),
    finance: await template("Økonomisag", a.finance[0], "00.32.00", [invoice.id, t.note, t.letter]),
    sfo: await template("SFO-sag", a.sfo[0], "17.05.00", [t.pupil, t.letter, t.note]),
    operations: await template("Driftssag", a.operations[0], "82.02.00", [t.letter, t.note, invoice.id]),
  };
  const office0 = await groupNamed("Skolekontoret");
  return {
    ...world,
    people,
    templatesByKind,
    accessGroupsByKind,
    staffByKind,
    groupsByKind,
    confidentialGroup: confidential.id,
    typesByKey: { ...world.types, contract: contract.id, invoice: invoice.id, confidential: confidentialNote.id },
    alice: { accessGroups: [...a.pupil, ...a.special], groups: [pprGroup.id, office0] },
    secretary: { id: people[secretary].id, email: people[secretary].email, accessGroups: [a.pupil[1], a.sfo[1]] },
  };
}

const ACCESS_NAMES: Record<KindKey, string> = {
  pupil: "Elevsager",
  special: "Specialundervisning",
  board: "Bestyrelse",
  personnel: "Personalesager",
  finance: "Økonomi",
  sfo: "SFO",
  operations: "Bygninger og drift",
};
