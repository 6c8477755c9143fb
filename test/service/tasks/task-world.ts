import { expect } from "chai";
import request from "supertest";
import { createAccessGroup } from "../../../service/features/access/access-groups.service.ts";
import { createDocumentType } from "../../../service/features/retention/retention.service.ts";
import { createTemplate } from "../../../service/features/templates/templates.service.ts";
import { createGroup, findGroupByName } from "../../../service/features/users/users.service.ts";
import type { TaskDetails } from "../../../shared/api/types.ts";
import { bearer } from "../../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";

// The test world of the task tests: buildWorld's organisation, plus a case template shared with the external
// partner (erik), a group erik is in, and a document type narrowed to an access group only alice is in.

export interface TaskWorld {
  svc: TestService;
  w: World;
  admin: string;
  groups: { office: string; board: string; partners: string };
  templates: { partner: string; confidential: string };
  types: { confidential: string };
}

export async function taskWorld(): Promise<TaskWorld> {
  const svc = await startTestService();
  const db = svc.ctx.db;
  const w = await buildWorld(db, ADMIN_TOKEN);
  const admin = (await request(svc.url).get("/api/me").auth(ADMIN_TOKEN, bearer).expect(200)).body.id as string;
  const partners = await createGroup(db, null, "Eksterne partnere", [w.users.erik]);
  const management = await createAccessGroup(db, null, "Ledelse", "Only alice", { userIds: [w.users.alice] });
  const confidential = await createDocumentType(db, null, {
    name: "Fortroligt notat",
    category: "Notat",
    retentionRuleId: w.rules.permanent,
    accessGroupId: management.id,
  });
  const partnerTemplate = await createTemplate(db, null, {
    name: "Samarbejdssag",
    accessGroupId: w.accessGroups.partners,
    journalCode: "00.01.10",
    fields: [],
    documentTypeIds: [w.types.letter],
  });
  const confidentialTemplate = await createTemplate(db, null, {
    name: "Elevsag med fortrolige notater",
    accessGroupId: w.accessGroups.school,
    journalCode: "17.01.00",
    fields: [],
    documentTypeIds: [w.types.note, confidential.id],
  });
  return {
    svc,
    w,
    admin,
    groups: {
      office: (await findGroupByName(db, "Skolekontoret"))!.id,
      board: (await findGroupByName(db, "Bestyrelsessekretariatet"))!.id,
      partners: partners.id,
    },
    templates: { partner: partnerTemplate.id, confidential: confidentialTemplate.id },
    types: { confidential: confidential.id },
  };
}

/** Requests against the world's service, and the records tasks are made on. */
export function taskClient(tw: TaskWorld) {
  const api = () => request(tw.svc.url);
  const as = (token: string) => ({
    get: (url: string) => api().get(url).auth(token, bearer),
    post: (url: string, body?: object) => api().post(url).auth(token, bearer).send(body),
    patch: (url: string, body: object, ifMatch?: string) => {
      const r = api().patch(url).auth(token, bearer);
      return (ifMatch ? r.set("If-Match", ifMatch) : r).send(body);
    },
  });
  return {
    as,
    async newCase(token: string, body: Record<string, unknown>): Promise<{ id: string; number: string; title: string; etag: string }> {
      const res = await as(token).post("/api/cases", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    },
    pupilCase(title: string, extra: Record<string, unknown> = {}, token = tw.w.tokens.alice) {
      return this.newCase(token, { templateId: tw.w.templates.pupil, title, metadata: { elevnummer: "E-1" }, ...extra });
    },
    async saveDocument(token: string, metadata: Record<string, unknown>, name: string): Promise<{ id: string; title: string }> {
      const res = await api()
        .post("/api/documents")
        .auth(token, bearer)
        .field("metadata", JSON.stringify(metadata))
        .attach("file", Buffer.from(`indhold af ${name}\n`), { filename: name, contentType: "text/plain" });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    },
    async createTask(token: string, body: Record<string, unknown>): Promise<TaskDetails> {
      const res = await as(token).post("/api/tasks", { title: "Opgave", ...body });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.headers.etag).to.equal(res.body.etag);
      return res.body;
    },
    /** The notifications a change to this task produced, by recipient, read straight from the table. */
    async notificationsOf(taskId: string) {
      return tw.svc.ctx.db.selectFrom("notifications").selectAll().where("task_id", "=", taskId).orderBy("at").orderBy("user_id").execute();
    },
  };
}

export const user = (id: string) => ({ type: "user" as const, id });
export const group = (id: string) => ({ type: "group" as const, id });

/** Today, yesterday and tomorrow as calendar dates in Denmark. */
export function danishDays(): { today: string; yesterday: string; tomorrow: string } {
  const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Copenhagen" }).format(new Date());
  const from = (days: number) => new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return { today, yesterday: from(-1), tomorrow: from(1) };
}
