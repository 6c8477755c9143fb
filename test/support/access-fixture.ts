import { expect } from "chai";
import request from "supertest";
import { createAccessGroup } from "../../service/features/access/access-groups.service.ts";
import { createTemplate } from "../../service/features/templates/templates.service.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "./service.ts";
import { buildWorld, type World } from "./world.ts";

// The scene the access matrix plays in: two cases in different access groups, documents filed, restricted
// and floating, each with an attachment, a comment and references, and one finished resumable upload.
// Every object carries words found nowhere else, so a response that mentions an object can be caught.
// addCaseWork puts the case work on top: contacts as parties, a task on every case and document, and
// followers, some of whom can no longer see what they follow.

export type Person = "alice" | "carl" | "bob" | "erik" | "admin";
export const PEOPLE: readonly Person[] = ["alice", "carl", "bob", "erik", "admin"];

/** Who an object is, and who may see it: known before the scene is built, so the matrix can name its rows. */
export interface ObjectPlan {
  /** How the matrix names it: "alice's case". */
  label: string;
  owner: Person;
  seenBy: readonly Person[];
  /** Words that appear only in this object (titles, numbers, filenames, comments). */
  markers: string[];
  /** How a person relates to it, when the generic wording ("a member of the access group") would mislead. */
  relations?: Partial<Record<Person, string>>;
}

/** The scene's task on a case or document; "office" is the Skolekontoret group (alice and carl). */
export interface TaskPlan {
  title: string;
  /** The word of the title found nowhere else. */
  marker: string;
  assignee: Person | "office";
}

/** The people who have a task among theirs: its user, or its group's members. */
export const holdersOf = (t: TaskPlan): Person[] => (t.assignee === "office" ? ["alice", "carl"] : [t.assignee]);

/** A case or a document: an object with a task on it. */
export interface RecordPlan extends ObjectPlan {
  task: TaskPlan;
}

export interface DocumentPlan extends RecordPlan {
  /** Floating: in no case. */
  floating: boolean;
  title: string;
  filename: string;
  attachment: { title: string; filename: string };
  comment: string;
}

const documentPlan = (p: Omit<DocumentPlan, "markers">): DocumentPlan => ({
  ...p,
  markers: [p.title, p.filename, p.attachment.title, p.attachment.filename, p.comment, p.task.marker],
});

const plannedTask = (marker: string, assignee: TaskPlan["assignee"]): TaskPlan => ({ title: `Opfølgning ${marker}`, marker, assignee });

export interface CasePlan extends RecordPlan {
  title: string;
  /** A word of the title, for suggest. */
  searchWord: string;
}

export type CaseKey = "school" | "partners";
export const CASES: Record<CaseKey, CasePlan> = {
  school: {
    label: "alice's case",
    owner: "alice",
    seenBy: ["alice", "carl", "admin"],
    title: "Elevsag Ravnsborg",
    searchWord: "Ravnsborg",
    task: plannedTask("Kalvehave", "office"),
    markers: ["Ravnsborg", "Kalvehave"],
  },
  partners: {
    label: "the case shared with partners",
    owner: "bob",
    seenBy: ["bob", "erik", "admin"],
    title: "Partnerprojekt Lindholm",
    searchWord: "Lindholm",
    task: plannedTask("Marstal", "erik"),
    markers: ["Lindholm", "Marstal"],
  },
};
export const CASE_KEYS = Object.keys(CASES) as CaseKey[];

export const DOCUMENTS = {
  school: documentPlan({
    floating: false,
    label: "alice's document in her case",
    owner: "alice",
    seenBy: ["alice", "carl", "admin"],
    title: "Skolebrev Birkelund",
    filename: "birkelund-brev.txt",
    attachment: { title: "Bilag Egeskov", filename: "egeskov-bilag.txt" },
    comment: "Kommentar Aaskov",
    task: plannedTask("Bogense", "carl"),
  }),
  restricted: documentPlan({
    floating: false,
    label: "the document restricted to a stricter access group",
    owner: "alice",
    seenBy: ["alice", "admin"],
    relations: { carl: "a member of the case's access group outside the document's stricter one" },
    title: "Fortroligt Hornbaek",
    filename: "hornbaek-notat.eml",
    attachment: { title: "Bilag Gilleleje", filename: "gilleleje-bilag.txt" },
    comment: "Kommentar Holmegaard",
    // Assigned to the office, whose carl cannot see the document.
    task: plannedTask("Dragsholm", "office"),
  }),
  partner: documentPlan({
    floating: false,
    label: "bob's document in the shared case",
    owner: "bob",
    seenBy: ["bob", "erik", "admin"],
    title: "Samarbejdsaftale Tranekaer",
    filename: "tranekaer-aftale.txt",
    attachment: { title: "Bilag Vesterby", filename: "vesterby-bilag.txt" },
    comment: "Kommentar Stenhoej",
    task: plannedTask("Faaborg", "bob"),
  }),
  floating: documentPlan({
    floating: true,
    label: "alice's floating document",
    owner: "alice",
    seenBy: ["alice", "admin"],
    relations: { carl: "a colleague in the owner's access groups" },
    title: "Loest notat Skovlunde",
    filename: "skovlunde-notat.txt",
    attachment: { title: "Bilag Moelleby", filename: "moelleby-bilag.txt" },
    comment: "Kommentar Lyngbakke",
    task: plannedTask("Glamsbjerg", "alice"),
  }),
  floatingShared: documentPlan({
    floating: true,
    label: "alice's floating document with an access group",
    owner: "alice",
    seenBy: ["alice", "carl", "admin"],
    title: "Delt udkast Fjordvang",
    filename: "fjordvang-udkast.txt",
    attachment: { title: "Bilag Kirkeby", filename: "kirkeby-bilag.txt" },
    comment: "Kommentar Bredvig",
    task: plannedTask("Hadsund", "office"),
  }),
  bobsFloating: documentPlan({
    floating: true,
    label: "bob's floating document",
    owner: "bob",
    seenBy: ["bob", "admin"],
    relations: { erik: "an external partner sharing a case with the owner" },
    title: "Bobs kladde Soendervang",
    filename: "soendervang-kladde.txt",
    attachment: { title: "Bilag Nordstrand", filename: "nordstrand-bilag.txt" },
    comment: "Kommentar Rugaard",
    task: plannedTask("Jelling", "admin"),
  }),
};
export type DocumentKey = keyof typeof DOCUMENTS;
export const DOCUMENT_KEYS = Object.keys(DOCUMENTS) as DocumentKey[];

export interface SceneCase extends CasePlan {
  kind: "case";
  id: string;
  number: string;
}

export interface SceneDocument extends DocumentPlan {
  kind: "document";
  id: string;
  caseId: string | null;
  accessGroupId: string | null;
  attachmentId: string;
  /** One of the document's outgoing references. */
  referenceId: string;
}

export interface AccessScene {
  svc: TestService;
  world: World;
  tokens: Record<Person, string>;
  userIds: Record<Person, string>;
  strictGroup: string;
  cases: Record<CaseKey, SceneCase>;
  documents: Record<DocumentKey, SceneDocument>;
  /** References whose far end some people may not see. */
  references: { schoolToRestricted: string; schoolToFloating: string; restrictedToSchool: string };
  /** alice's finished resumable upload. */
  upload: { id: string; size: number; filename: string; marker: string };
  /** Contacts, parties, tasks and followers, once addCaseWork has put them in. */
  caseWork?: CaseWork;
}

/** The restricted document is a mail, so mail lookups can be asked about it. */
export const RESTRICTED_MAIL = {
  messageId: "<hornbaek-1@skole.dk>",
  conversationId: "AAQkHornbaekConversation",
  eml: [
    "Message-ID: <hornbaek-1@skole.dk>",
    "From: Forælder <foraelder@example.dk>",
    "To: alice@skole.dk",
    "Subject: Fortroligt",
    "Date: Mon, 2 Nov 2026 09:00:00 +0100",
    "",
    "Fortroligt indhold.",
    "",
  ].join("\r\n"),
};

export const BAD_TOKEN = "ims-this-token-was-never-issued-0000";

export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export interface NewDocumentInput {
  title: string;
  documentTypeId: string;
  caseId?: string;
  accessGroupId?: string;
  filename: string;
  attachment?: { title: string; filename: string };
  /** A saved mail: its bytes and what the add-in knows of it. */
  mail?: { eml: string; messageId: string; conversationId: string };
}

/** Saves a document with multipart, as the add-ins do; returns the service's view of it. */
export async function saveDocument(url: string, token: string, d: NewDocumentInput) {
  const metadata = {
    title: d.title,
    documentTypeId: d.documentTypeId,
    caseId: d.caseId,
    accessGroupId: d.accessGroupId,
    attachments: d.attachment ? [{ title: d.attachment.title }] : undefined,
    mail: d.mail ? { messageId: d.mail.messageId, conversationId: d.mail.conversationId } : undefined,
  };
  const content = d.mail ? { bytes: Buffer.from(d.mail.eml), type: "message/rfc822" } : { bytes: Buffer.from(`Indhold af ${d.title}\n`), type: "text/plain" };
  let req = request(url)
    .post("/api/documents")
    .auth(token, { type: "bearer" })
    .field("metadata", JSON.stringify(metadata))
    .attach("file", content.bytes, { filename: d.filename, contentType: content.type });
  if (d.attachment) req = req.attach("attachment", Buffer.from(`Bilag til ${d.title}\n`), { filename: d.attachment.filename, contentType: "text/plain" });
  const res = await req;
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; title: string; attachments: Array<{ id: string }>; etag: string };
}

/** Starts and finishes a tus upload; returns its id. */
export async function tusUpload(url: string, token: string, filename: string, bytes: Buffer): Promise<string> {
  const created = await request(url)
    .post("/api/uploads")
    .auth(token, { type: "bearer" })
    .set("Tus-Resumable", "1.0.0")
    .set("Upload-Length", String(bytes.length))
    .set("Upload-Metadata", `filename ${b64(filename)},filetype ${b64("text/plain")}`);
  expect(created.status, created.text).to.equal(201);
  const id = String(created.headers.location).split("/").pop()!;
  const patched = await request(url)
    .patch(`/api/uploads/${id}`)
    .auth(token, { type: "bearer" })
    .set("Tus-Resumable", "1.0.0")
    .set("Upload-Offset", "0")
    .set("Content-Type", "application/offset+octet-stream")
    .send(bytes);
  expect(patched.status, patched.text).to.equal(204);
  expect(patched.headers["upload-offset"]).to.equal(String(bytes.length));
  return id;
}

async function addReference(url: string, token: string, from: string, to: string): Promise<string> {
  const res = await request(url).post(`/api/documents/${from}/references`).auth(token, { type: "bearer" }).send({ toDocumentId: to, kind: "relates_to" });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.id;
}

async function comment(url: string, token: string, id: string, body: string): Promise<void> {
  const res = await request(url).post(`/api/documents/${id}/comments`).auth(token, { type: "bearer" }).send({ body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
}

export async function buildAccessScene(): Promise<AccessScene> {
  const svc = await startTestService();
  const db = svc.ctx.db;
  const world = await buildWorld(db, ADMIN_TOKEN);
  const admin = await db.selectFrom("users").select("id").where("role", "=", "admin").executeTakeFirstOrThrow();
  const tokens: Record<Person, string> = { ...world.tokens };
  const userIds: Record<Person, string> = { ...world.users, admin: admin.id };
  const strict = await createAccessGroup(db, null, "Kun Alice", "Only Alice", { userIds: [world.users.alice] });
  const partnerTemplate = await createTemplate(db, null, {
    name: "Samarbejdssag",
    accessGroupId: world.accessGroups.partners,
    journalCode: "00.01.10",
    fields: [],
    documentTypeIds: [],
  });
  const url = svc.url;

  const newCase = async (token: string, body: Record<string, unknown>) => {
    const res = await request(url).post("/api/cases").auth(token, { type: "bearer" }).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string; number: string; title: string };
  };
  const schoolCase = await newCase(tokens.alice, { templateId: world.templates.pupil, title: CASES.school.title, metadata: { elevnummer: "E-4711" } });
  const partnerCase = await newCase(tokens.bob, { templateId: partnerTemplate.id, title: CASES.partners.title });

  const doc = (key: DocumentKey, extra: Pick<NewDocumentInput, "caseId" | "accessGroupId" | "mail">) => {
    const plan = DOCUMENTS[key];
    return saveDocument(url, tokens[plan.owner], {
      title: plan.title,
      documentTypeId: world.types.letter,
      filename: plan.filename,
      attachment: plan.attachment,
      ...extra,
    });
  };
  const school = await doc("school", { caseId: schoolCase.id });
  const restricted = await doc("restricted", { caseId: schoolCase.id, accessGroupId: strict.id, mail: RESTRICTED_MAIL });
  const partner = await doc("partner", { caseId: partnerCase.id });
  const floating = await doc("floating", {});
  const floatingShared = await doc("floatingShared", { accessGroupId: world.accessGroups.school });
  const bobsFloating = await doc("bobsFloating", {});
  for (const [key, d] of Object.entries({ school, restricted, partner, floating, floatingShared, bobsFloating })) {
    const plan = DOCUMENTS[key as DocumentKey];
    await comment(url, tokens[plan.owner], d.id, plan.comment);
  }

  const schoolToRestricted = await addReference(url, tokens.alice, school.id, restricted.id);
  const schoolToFloating = await addReference(url, tokens.alice, school.id, floating.id);
  const restrictedToSchool = await addReference(url, tokens.alice, restricted.id, school.id);
  const partnerToBobs = await addReference(url, tokens.bob, partner.id, bobsFloating.id);
  const floatingToShared = await addReference(url, tokens.alice, floating.id, floatingShared.id);
  const sharedToSchool = await addReference(url, tokens.alice, floatingShared.id, school.id);
  const bobsToPartner = await addReference(url, tokens.bob, bobsFloating.id, partner.id);

  const uploadMarker = "Vindeby";
  const uploadName = `upload-${uploadMarker}-rapport.txt`;
  const uploadBytes = Buffer.from("Genoptagelig upload fra Vindeby\n".repeat(64));
  const uploadId = await tusUpload(url, tokens.alice, uploadName, uploadBytes);

  const saved = { school, restricted, partner, floating, floatingShared, bobsFloating };
  const placement: Record<DocumentKey, { caseId: string | null; accessGroupId: string | null; referenceId: string }> = {
    school: { caseId: schoolCase.id, accessGroupId: null, referenceId: schoolToRestricted },
    restricted: { caseId: schoolCase.id, accessGroupId: strict.id, referenceId: restrictedToSchool },
    partner: { caseId: partnerCase.id, accessGroupId: null, referenceId: partnerToBobs },
    floating: { caseId: null, accessGroupId: null, referenceId: floatingToShared },
    floatingShared: { caseId: null, accessGroupId: world.accessGroups.school, referenceId: sharedToSchool },
    bobsFloating: { caseId: null, accessGroupId: null, referenceId: bobsToPartner },
  };
  const documents = Object.fromEntries(
    DOCUMENT_KEYS.map((key) => [
      key,
      {
        ...DOCUMENTS[key],
        kind: "document",
        id: saved[key].id,
        title: saved[key].title,
        attachmentId: saved[key].attachments[0].id,
        ...placement[key],
      } satisfies SceneDocument,
    ]),
  ) as Record<DocumentKey, SceneDocument>;
  const sceneCase = (key: CaseKey, c: typeof schoolCase): SceneCase => ({
    ...CASES[key],
    kind: "case",
    id: c.id,
    title: c.title,
    number: c.number,
    markers: [...CASES[key].markers, c.number],
  });

  return {
    svc,
    world,
    tokens,
    userIds,
    strictGroup: strict.id,
    cases: { school: sceneCase("school", schoolCase), partners: sceneCase("partners", partnerCase) },
    documents,
    references: { schoolToRestricted, schoolToFloating, restrictedToSchool },
    upload: { id: uploadId, size: uploadBytes.length, filename: uploadName, marker: uploadMarker },
  };
}

/** How the matrix names a person's relation to an object: "a caseworker outside the access group (bob)". */
export function relationOf(person: Person, o: ObjectPlan): string {
  const special = o.relations?.[person];
  const base =
    special ??
    (person === "admin"
      ? "an administrator"
      : person === o.owner
        ? "the owner"
        : o.seenBy.includes(person)
          ? person === "erik"
            ? "an external partner in the access group"
            : "a member of the access group"
          : person === "erik"
            ? "an external partner outside the access group"
            : "a caseworker outside the access group");
  return `${base} (${person})`;
}

/** Every marker of every scene object the person may not see; without a person, every marker there is. */
export function hiddenMarkers(scene: AccessScene, person: Person | null): string[] {
  const contacts = scene.caseWork ? Object.values(CONTACTS) : [];
  const all = [...Object.values(scene.cases), ...Object.values(scene.documents), ...contacts];
  const hidden = all.filter((o) => !person || !o.seenBy.includes(person)).flatMap((o) => o.markers);
  return person === "alice" ? hidden : [...hidden, scene.upload.marker];
}

// The case work: contacts and parties, tasks, followers.

const STAFF: readonly Person[] = ["alice", "carl", "bob", "admin"];

export interface ContactPlan {
  label: string;
  name: string;
  email: string;
  /** Staff see every contact; an external partner those on cases and documents shared with him. */
  seenBy: readonly Person[];
  markers: string[];
}

export type ContactKey = "everywhere" | "schoolOnly" | "newcomer";
export const CONTACTS: Record<ContactKey, ContactPlan> = {
  everywhere: {
    label: "the contact who is party to every case and document",
    name: "Sofie Allested",
    email: "sofie@allested.example.dk",
    seenBy: PEOPLE,
    markers: [],
  },
  schoolOnly: {
    label: "the contact who is party only to alice's case",
    name: "Holger Hjortlund",
    email: "holger@hjortlund.example.dk",
    seenBy: STAFF,
    markers: ["Hjortlund"],
  },
  // Added to and removed from records by the matrix; whoever sees a record may be told of it, so no marker.
  newcomer: { label: "a contact who is party to nothing", name: "Nanna Nyholt", email: "nanna@nyholt.example.dk", seenBy: STAFF, markers: [] },
};

export interface CaseWork {
  contacts: Record<ContactKey, string>;
  /** The Skolekontoret group (alice and carl). */
  officeGroup: string;
  /** The scene's task on each case and document, by the record's id. */
  taskOn: Record<string, string>;
  /** The everywhere contact's party on each case and document, by the record's id. */
  partyOn: Record<string, string>;
  /** Follow choices made while the follower could see the case, and kept after their access changed. */
  staleFollowers: ReadonlyArray<{ person: Person; case: CaseKey }>;
}

/** Who follows which case besides its owner, having chosen to through the API (they may see it). */
const FOLLOWERS: ReadonlyArray<{ person: Person; case: CaseKey }> = [
  { person: "carl", case: "school" },
  { person: "erik", case: "partners" },
  { person: "admin", case: "school" },
  { person: "admin", case: "partners" },
];

/** Followers who may not see the case they follow: they chose to while they could, then their access changed. */
const STALE_FOLLOWERS: ReadonlyArray<{ person: Person; case: CaseKey }> = [
  { person: "bob", case: "school" },
  { person: "erik", case: "school" },
  { person: "carl", case: "partners" },
];

/**
 * Puts the case work into the scene: the contacts (everywhere is party to every case and document,
 * schoolOnly to alice's case only, newcomer to nothing), a task on every case and document made by its
 * owner for the plan's assignee, and followers, the stale ones first so every later change reaches them.
 */
export async function addCaseWork(scene: AccessScene): Promise<CaseWork> {
  const url = scene.svc.url;
  const db = scene.svc.ctx.db;
  const as = (p: Person) => ({
    post: (path: string, body: object) => request(url).post(path).auth(scene.tokens[p], { type: "bearer" }).send(body),
    put: (path: string) => request(url).put(path).auth(scene.tokens[p], { type: "bearer" }),
  });
  const created = async (res: request.Response) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as string;
  };

  // Stale follow choices are written as the follow endpoint wrote them while the followers still had access.
  const now = new Date().toISOString();
  await db
    .insertInto("case_followers")
    .values(STALE_FOLLOWERS.map((f) => ({ case_id: scene.cases[f.case].id, user_id: scene.userIds[f.person], following: 1, changed_at: now })))
    .execute();
  for (const f of FOLLOWERS) {
    const res = await as(f.person).put(`/api/cases/${scene.cases[f.case].id}/following`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }

  const contacts = {} as Record<ContactKey, string>;
  for (const key of Object.keys(CONTACTS) as ContactKey[]) {
    const c = CONTACTS[key];
    contacts[key] = await created(await as("admin").post("/api/contacts", { kind: "person", name: c.name, emails: [c.email] }));
  }
  const partyOn: Record<string, string> = {};
  for (const key of CASE_KEYS) {
    const c = scene.cases[key];
    partyOn[c.id] = await created(await as(c.owner).post(`/api/cases/${c.id}/parties`, { contactId: contacts.everywhere, roleId: "role-part" }));
  }
  for (const key of DOCUMENT_KEYS) {
    const d = scene.documents[key];
    partyOn[d.id] = await created(await as(d.owner).post(`/api/documents/${d.id}/parties`, { contactId: contacts.everywhere, roleId: "role-part" }));
  }
  await created(await as("alice").post(`/api/cases/${scene.cases.school.id}/parties`, { contactId: contacts.schoolOnly, roleId: "role-foraelder" }));

  const office = await db.selectFrom("groups").select("id").where("name", "=", "Skolekontoret").executeTakeFirstOrThrow();
  const assignee = (t: TaskPlan) => (t.assignee === "office" ? { type: "group", id: office.id } : { type: "user", id: scene.userIds[t.assignee] });
  const taskOn: Record<string, string> = {};
  for (const o of [...Object.values(scene.cases), ...Object.values(scene.documents)]) {
    const on = o.kind === "case" ? { caseId: o.id } : { documentId: o.id };
    taskOn[o.id] = await created(await as(o.owner).post("/api/tasks", { ...on, title: o.task.title, assignee: assignee(o.task) }));
  }

  scene.caseWork = { contacts, officeGroup: office.id, taskOn, partyOn, staleFollowers: STALE_FOLLOWERS };
  return scene.caseWork;
}
