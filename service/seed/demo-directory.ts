import type { Db, Executor } from "../db/database.ts";
import { accessGroupsOf } from "../features/access/access.ts";
import type { Actor } from "../features/access/actor.ts";
import { createAccessGroup, findAccessGroupByName } from "../features/access/access-groups.service.ts";
import { createJournalEntry, journalCodes } from "../features/journal-plan/journal-plan.service.ts";
import { createDocumentType, createRetentionRule, findDocumentTypeByName, findRetentionRuleByName } from "../features/retention/retention.service.ts";
import { createTemplate, findTemplateByName } from "../features/templates/templates.service.ts";
import { createGroup, createUser, findGroupByName, findUsersByEmail } from "../features/users/users.service.ts";
import type { RetentionKind } from "../features/retention/retention.table.ts";
import type { MetadataField } from "../features/templates/metadata-fields.ts";
import type { Role } from "../features/users/users.table.ts";

// The demo organisation: a school whose office (Skolekontoret) keeps pupils' and staff cases, and whose
// board secretariat (Bestyrelsessekretariatet) handles grant projects and board meetings, some of them
// shared with an outside partner. Everything is created through the domain services, so it is audited.

export interface DemoUser {
  login: string;
  name: string;
  email: string;
  role: Role;
  /** The role and where the person works, as the printed token block shows it. */
  description: string;
  group: string | null;
}

export const DEMO_USERS: DemoUser[] = [
  {
    login: "anne",
    name: "Anne Sørensen",
    email: "anne@skolen.example",
    role: "caseworker",
    description: "caseworker (sagsbehandler), Skolekontoret",
    group: "Skolekontoret",
  },
  {
    login: "bent",
    name: "Bent Holm",
    email: "bent@skolen.example",
    role: "caseworker",
    description: "caseworker (sagsbehandler), Bestyrelsessekretariatet",
    group: "Bestyrelsessekretariatet",
  },
  {
    login: "eva",
    name: "Eva Lund",
    email: "eva@partner.example",
    role: "external",
    description: "external partner (bestyrelsesmedlem), Samarbejdsforum",
    group: null,
  },
];

export const DEMO_ACCESS_GROUPS = [
  { name: "Elevsager", description: "Elever: optagelse, studievejledning, elevplaner", groups: ["Skolekontoret"], users: [] },
  { name: "Personalesager", description: "Ansættelser og personale", groups: ["Skolekontoret"], users: [] },
  { name: "Projekter og fonde", description: "Tilskud og projekter, som bestyrelsen behandler", groups: ["Bestyrelsessekretariatet"], users: [] },
  { name: "Samarbejdsforum", description: "Delt med eksterne partnere og bestyrelsen", groups: ["Bestyrelsessekretariatet"], users: ["eva"] },
] as const;

/** A KLE-style excerpt; one code is retired so it shows and cannot be used for new cases. */
const JOURNAL_PLAN: Array<{ code: string; title: string; retiredOn?: string }> = [
  { code: "00", title: "Kommunens styrelse" },
  { code: "00.01", title: "Styrelse og ledelse" },
  { code: "00.01.00", title: "Styrelse og ledelse i almindelighed" },
  { code: "00.01.10", title: "Bestyrelsens møder" },
  { code: "17", title: "Undervisning og uddannelse" },
  { code: "17.01", title: "Elever" },
  { code: "17.01.00", title: "Elever i almindelighed" },
  { code: "17.01.05", title: "Skolepenge (udgået)", retiredOn: "2019-07-31" },
  { code: "17.02", title: "Optagelse" },
  { code: "17.02.05", title: "Optagelse af elever" },
  { code: "20", title: "Kultur og fritid" },
  { code: "20.02", title: "Biblioteker" },
  { code: "20.02.00", title: "Biblioteker i almindelighed" },
  { code: "20.05", title: "Museer og kulturarv" },
  { code: "20.05.00", title: "Museer og kulturarv i almindelighed" },
  { code: "20.10", title: "Tilskud til kultur- og fritidsprojekter" },
  { code: "20.10.00", title: "Tilskud i almindelighed" },
  { code: "81", title: "Personale" },
  { code: "81.03", title: "Ansættelse" },
  { code: "81.03.00", title: "Ansættelse i almindelighed" },
];

const RETENTION_RULES: Array<{ name: string; kind: RetentionKind; years?: number }> = [
  { name: "Kasseres 5 år efter sagens afslutning", kind: "after_case_closed", years: 5 },
  { name: "Bevares", kind: "permanent" },
  { name: "Kasseres 10 år efter oprettelse", kind: "after_document_created", years: 10 },
  { name: "Vurderes 3 år efter sagens afslutning", kind: "review", years: 3 },
];

const DOCUMENT_TYPES = [
  { name: "Elevdokument", category: "Elevdokument", rule: "Kasseres 5 år efter sagens afslutning" },
  { name: "Elev studievejledning", category: "Elevdokument", rule: "Kasseres 5 år efter sagens afslutning" },
  { name: "Ansøgning", category: "Ansøgning", rule: "Kasseres 5 år efter sagens afslutning" },
  { name: "Personaledokument", category: "Personale", rule: "Kasseres 5 år efter sagens afslutning" },
  { name: "Budget og regnskab", category: "Økonomi", rule: "Kasseres 5 år efter sagens afslutning" },
  { name: "Bestyrelsesreferat", category: "Referat", rule: "Bevares" },
  { name: "Korrespondance", category: "Korrespondance", rule: "Kasseres 10 år efter oprettelse" },
  { name: "Notat", category: "Notat", rule: "Vurderes 3 år efter sagens afslutning" },
] as const;

export type DemoDocumentType = (typeof DOCUMENT_TYPES)[number]["name"];

const PROJECT_PHASES = ["Ansøgning modtaget", "1. vurdering", "Indstillet", "Bevilget", "Afrapportering", "Afsluttet"];

const TEMPLATES: Array<{ name: string; accessGroup: string; journalCode: string; fields: MetadataField[]; types: DemoDocumentType[] }> = [
  {
    name: "Elevsag",
    accessGroup: "Elevsager",
    journalCode: "17.01.00",
    fields: [
      { name: "elevnummer", label: "Elevnummer", type: "text", required: true },
      { name: "klasse", label: "Klasse", type: "choice", required: false, options: ["0.a", "1.a", "7.b", "8.b", "9.a", "10.a"] },
      { name: "optaget", label: "Optaget", type: "date", required: false },
    ],
    types: ["Elevdokument", "Elev studievejledning", "Ansøgning", "Korrespondance", "Notat"],
  },
  {
    name: "Personalesag",
    accessGroup: "Personalesager",
    journalCode: "81.03.00",
    fields: [
      { name: "medarbejdernummer", label: "Medarbejdernummer", type: "text", required: true },
      { name: "stilling", label: "Stilling", type: "choice", required: true, options: ["Lærer", "Timelærer", "Pædagog", "Administrativ medarbejder"] },
      { name: "ansat", label: "Ansat fra", type: "date", required: false },
    ],
    types: ["Personaledokument", "Korrespondance", "Notat"],
  },
  {
    name: "Projektsag",
    accessGroup: "Projekter og fonde",
    journalCode: "20.10.00",
    fields: [
      { name: "ansoeger", label: "Ansøger", type: "text", required: true },
      { name: "beloeb", label: "Ansøgt beløb (kr.)", type: "number", required: false },
      { name: "fase", label: "Fase", type: "choice", required: true, options: PROJECT_PHASES },
      { name: "bevilget", label: "Bevilget", type: "boolean", required: false },
    ],
    types: ["Ansøgning", "Korrespondance", "Notat", "Budget og regnskab"],
  },
  {
    name: "Samarbejdssag",
    accessGroup: "Samarbejdsforum",
    journalCode: "20.10.00",
    fields: [
      { name: "partner", label: "Samarbejdspartner", type: "text", required: true },
      { name: "fase", label: "Fase", type: "choice", required: true, options: PROJECT_PHASES },
    ],
    types: ["Ansøgning", "Korrespondance", "Notat", "Budget og regnskab"],
  },
  {
    name: "Bestyrelsessag",
    accessGroup: "Samarbejdsforum",
    journalCode: "00.01.10",
    fields: [{ name: "moededato", label: "Mødedato", type: "date", required: true }],
    types: ["Bestyrelsesreferat", "Notat", "Korrespondance"],
  },
];

export interface SeededUser extends DemoUser {
  id: string;
  /** Created by this start (so a generated token may be printed for it). */
  fresh: boolean;
}

export interface DemoDirectory {
  users: Map<string, SeededUser>;
  accessGroups: Map<string, string>;
  documentTypes: Map<string, string>;
  templates: Map<string, string>;
}

function lookup(map: Map<string, string>, name: string, what: string): string {
  const id = map.get(name);
  if (!id) throw new Error(`The demo data names an unknown ${what} "${name}".`);
  return id;
}

/** The demo user with this login, or an error naming it (a mistake in the demo data itself). */
export function demoUser(dir: DemoDirectory, login: string): SeededUser {
  const user = dir.users.get(login);
  if (!user) throw new Error(`The demo data names an unknown user "${login}".`);
  return user;
}

export const idOf = {
  accessGroup: (dir: DemoDirectory, name: string) => lookup(dir.accessGroups, name, "access group"),
  documentType: (dir: DemoDirectory, name: string) => lookup(dir.documentTypes, name, "document type"),
  template: (dir: DemoDirectory, name: string) => lookup(dir.templates, name, "case template"),
};

/** The demo users that exist already, e.g. on a later start (their tokens from the environment still apply). */
export async function existingDemoUsers(db: Executor): Promise<SeededUser[]> {
  const rows = await findUsersByEmail(
    db,
    DEMO_USERS.map((u) => u.email),
  );
  return DEMO_USERS.flatMap((u) => {
    const row = rows.find((r) => r.email === u.email);
    return row ? [{ ...u, id: row.id, fresh: false }] : [];
  });
}

/**
 * Creates the demo organisation in one transaction, so it exists either whole or not at all. Whatever
 * exists already under the same name is reused, so a start that stopped before its first case resumes.
 */
export async function seedDirectory(db: Db): Promise<DemoDirectory> {
  return db.transaction().execute(async (trx) => {
    const users = new Map<string, SeededUser>();
    for (const u of DEMO_USERS) {
      const [existing] = await findUsersByEmail(trx, [u.email]);
      const id = existing?.id ?? (await createUser(trx, null, { email: u.email, name: u.name, role: u.role })).id;
      users.set(u.login, { ...u, id, fresh: !existing });
    }

    const groups = new Map<string, string>();
    for (const name of new Set(DEMO_USERS.flatMap((u) => (u.group ? [u.group] : [])))) {
      const existing = await findGroupByName(trx, name);
      const members = DEMO_USERS.filter((u) => u.group === name).map((u) => users.get(u.login)!.id);
      groups.set(name, existing?.id ?? (await createGroup(trx, null, name, members)).id);
    }

    const accessGroups = new Map<string, string>();
    for (const g of DEMO_ACCESS_GROUPS) {
      const existing = await findAccessGroupByName(trx, g.name);
      const members = { groupIds: g.groups.map((n) => lookup(groups, n, "group")), userIds: g.users.map((login) => users.get(login)!.id) };
      accessGroups.set(g.name, existing?.id ?? (await createAccessGroup(trx, null, g.name, g.description, members)).id);
    }

    const known = await journalCodes(trx);
    for (const e of JOURNAL_PLAN) {
      if (known.has(e.code)) continue;
      const parentCode =
        JOURNAL_PLAN.filter((p) => e.code.startsWith(`${p.code}.`))
          .map((p) => p.code)
          .at(-1) ?? null;
      await createJournalEntry(trx, null, { code: e.code, title: e.title, parentCode, createdOn: "2015-01-01", retiredOn: e.retiredOn ?? null });
    }

    const rules = new Map<string, string>();
    for (const r of RETENTION_RULES) {
      const existing = await findRetentionRuleByName(trx, r.name);
      rules.set(r.name, existing?.id ?? (await createRetentionRule(trx, null, r)).id);
    }

    const documentTypes = new Map<string, string>();
    for (const t of DOCUMENT_TYPES) {
      const existing = await findDocumentTypeByName(trx, t.name);
      const created =
        existing ?? (await createDocumentType(trx, null, { name: t.name, category: t.category, retentionRuleId: lookup(rules, t.rule, "retention rule") }));
      documentTypes.set(t.name, created.id);
    }

    const templates = new Map<string, string>();
    for (const t of TEMPLATES) {
      const existing = await findTemplateByName(trx, t.name);
      const created =
        existing ??
        (await createTemplate(trx, null, {
          name: t.name,
          accessGroupId: lookup(accessGroups, t.accessGroup, "access group"),
          journalCode: t.journalCode,
          fields: t.fields,
          documentTypeIds: t.types.map((n) => lookup(documentTypes, n, "document type")),
        }));
      templates.set(t.name, created.id);
    }

    return { users, accessGroups, documentTypes, templates };
  });
}

/** The demo user as the domain services see a signed-in person, with their access groups. */
export async function actorOf(db: Executor, user: SeededUser): Promise<Actor> {
  return { userId: user.id, name: user.name, email: user.email, role: user.role, accessGroupIds: await accessGroupsOf(db, user.id) };
}
