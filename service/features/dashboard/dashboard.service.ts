import { DASHBOARD_PANELS, DashboardLayout, type DashboardPanelId } from "../../../shared/api/schemas/dashboard.ts";
import type { Db } from "../../db/database.ts";
import { findLayout, saveLayout } from "./dashboard.repository.ts";

type Panels = DashboardLayout["panels"];

/** Everyone's dashboard until they change it: every panel, in the product's order. */
const DEFAULT_PANELS: Panels = DASHBOARD_PANELS.map((id) => ({ id, visible: true }));

/**
 * The stored layout with what it lacks: a panel it does not name (a newer release's) shows at the end, so an
 * upgrade never hides what a person has not seen yet; a stored row that no longer reads gives the default.
 */
export function completeLayout(stored: Panels | undefined): Panels {
  if (!stored) return DEFAULT_PANELS;
  const named = new Set<DashboardPanelId>(stored.map((p) => p.id));
  return [...stored, ...DEFAULT_PANELS.filter((p) => !named.has(p.id))];
}

function readStored(json: string | undefined): Panels | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = DashboardLayout.safeParse({ panels: JSON.parse(json) });
    return parsed.success ? parsed.data.panels : undefined;
  } catch {
    return undefined;
  }
}

export async function dashboardLayout(db: Db, userId: string): Promise<DashboardLayout> {
  return { panels: completeLayout(readStored(await findLayout(db, userId))) };
}

/** Keeps the person's layout (a preference, not a record: not audited) and answers it as it will show. */
export async function saveDashboardLayout(db: Db, userId: string, layout: DashboardLayout): Promise<DashboardLayout> {
  const panels = completeLayout(layout.panels);
  await saveLayout(db, userId, JSON.stringify(panels), new Date().toISOString());
  return { panels };
}
