import type { AppContext } from "../context.ts";
import { scopedCases, scopedDocuments } from "../features/access/access.ts";
import type { Actor } from "../features/access/actor.ts";
import { addTaskComment, createTask, todayInDenmark, updateTask } from "../features/tasks/tasks.service.ts";
import { findGroupByName } from "../features/users/users.service.ts";
import { actorOf, demoUser, type DemoDirectory } from "./demo-directory.ts";

// The tasks of the product's screens (PRODUCT.md) on the demo cases and documents, for the demo people and
// their groups. Deadlines are counted from the day the demo is seeded, so some are ahead and some have
// passed whenever it is started; the product's own example keeps its date (9 September 2019).

/** A calendar date, or a number of days from the day the demo is seeded (negative: before it). */
type Day = string | number;

interface DemoTask {
  title: string;
  description?: string;
  /** What it concerns: a demo case or a demo document, by title. */
  on: { case: string } | { document: string };
  /** Who creates it (staff). */
  by: string;
  assignee?: { user: string } | { group: string };
  startDate?: Day;
  deadline?: Day;
  /** Where it stands; moved there by its assignee (or its creator, for a group). */
  status?: "in_progress" | "done";
  comments?: Array<{ by: string; body: string }>;
}

export const DEMO_TASKS: DemoTask[] = [
  {
    title: "Udarbejdelse af indstillingsnotat",
    description: "Indstillingen til bestyrelsen skal være klar til næste møde.",
    on: { document: "Indstillingsnotat" },
    by: "bent",
    assignee: { group: "Bestyrelsessekretariatet" },
    startDate: -14,
    deadline: -3,
    status: "in_progress",
  },
  {
    title: "Kontrol af budgetplan",
    description: "Gennemgå budgetarket, og sammenhold det med ansøgningen.",
    on: { document: "Budgetark" },
    by: "bent",
    assignee: { user: "bent" },
    deadline: 5,
  },
  {
    title: "Godkendelse af afrapportering / milepælsplan",
    description: "Se afrapporteringen og milepælsplanen igennem, og godkend dem, eller skriv dine bemærkninger.",
    on: { case: "Naturgenopretning" },
    by: "bent",
    assignee: { user: "eva" },
    startDate: -2,
    deadline: 14,
    status: "in_progress",
    comments: [{ by: "eva", body: "Milepælsplanen er gennemgået. Jeg vender tilbage om afrapporteringen i næste uge." }],
  },
  {
    title: "Ansøgning modtaget / 1. vurdering",
    description: "Kvitter for ansøgningen, og lav den første vurdering.",
    on: { case: "Ansøgning" },
    by: "anne",
    assignee: { group: "Skolekontoret" },
    deadline: "2019-11-28",
    status: "done",
  },
  {
    title: "Ansøgning modtaget / 1. vurdering",
    on: { case: "Designmuseum Nordjylland" },
    by: "bent",
    assignee: { user: "bent" },
    deadline: 2,
  },
  {
    title: "Evaluering af projektafslutning",
    description: "Evaluér projektet ud fra projektafslutningsnotatet.",
    on: { document: "Projektafslutningsnotat" },
    by: "bent",
    assignee: { group: "Bestyrelsessekretariatet" },
    deadline: -10,
  },
  {
    title: "Husk optagelse — Tjek dokumenter fra Optagelse.dk",
    description: "Vedrører Elev 1: tjek, at alle dokumenter fra Optagelse.dk er kommet med.",
    on: { document: "Optagelsesdokument" },
    by: "anne",
    assignee: { user: "anne" },
    deadline: "2019-09-09",
  },
  {
    title: "Kontrol af budgetplan",
    on: { document: "Budget kontrol - juni 2019" },
    by: "bent",
    assignee: { user: "bent" },
    deadline: -30,
    status: "done",
    comments: [{ by: "bent", body: "Budgettet holder. Ingen bemærkninger." }],
  },
];

function dayOf(d: Day | undefined, today: string): string | undefined {
  if (d === undefined || typeof d === "string") return d;
  return new Date(Date.parse(`${today}T12:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
}

/** Creates the demo tasks as their creators would, through the tasks service: audited, and notifying whom they concern. */
export async function seedTasks(ctx: AppContext, dir: DemoDirectory): Promise<{ tasks: number }> {
  const actors = new Map<string, Actor>();
  const actor = async (login: string) => {
    if (!actors.has(login)) actors.set(login, await actorOf(ctx.db, demoUser(dir, login)));
    return actors.get(login)!;
  };
  const today = todayInDenmark();
  for (const spec of DEMO_TASKS) {
    const by = await actor(spec.by);
    const record =
      "case" in spec.on
        ? { caseId: (await scopedCases(ctx.db, by).select("cases.id").where("cases.title", "=", spec.on.case).executeTakeFirst())?.id }
        : { documentId: (await scopedDocuments(ctx.db, by).select("documents.id").where("documents.title", "=", spec.on.document).executeTakeFirst())?.id };
    if (!record.caseId && !record.documentId) throw new Error(`The demo task "${spec.title}" concerns an unknown record ${JSON.stringify(spec.on)}.`);
    let assignee: { type: "user" | "group"; id: string } | null = null;
    if (spec.assignee && "user" in spec.assignee) assignee = { type: "user", id: demoUser(dir, spec.assignee.user).id };
    if (spec.assignee && "group" in spec.assignee) {
      const group = await findGroupByName(ctx.db, spec.assignee.group);
      if (!group) throw new Error(`The demo task "${spec.title}" names an unknown group "${spec.assignee.group}".`);
      assignee = { type: "group", id: group.id };
    }
    const task = await createTask(ctx.db, by, {
      title: spec.title,
      description: spec.description ?? "",
      ...record,
      assignee,
      startDate: dayOf(spec.startDate, today),
      deadline: dayOf(spec.deadline, today),
    });
    for (const c of spec.comments ?? []) await addTaskComment(ctx.db, await actor(c.by), task.id, c.body);
    if (spec.status) {
      const mover = spec.assignee && "user" in spec.assignee ? await actor(spec.assignee.user) : by;
      await updateTask(ctx.db, mover, task.id, { status: spec.status });
    }
  }
  return { tasks: DEMO_TASKS.length };
}
