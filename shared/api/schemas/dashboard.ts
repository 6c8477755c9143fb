import { z } from "zod";

// Each person's dashboard (overblik): which panels it shows, in which order.

/** The dashboard's panels; a panel added by a later release shows (at the end) for everyone who chose a layout before it. */
export const DASHBOARD_PANELS = ["myTasks", "myCases", "latestDocuments", "notifications", "criticalCases", "savedSearches"] as const;
export const DashboardPanelId = z.enum(DASHBOARD_PANELS);
export type DashboardPanelId = z.infer<typeof DashboardPanelId>;

/** GET and PUT /api/me/dashboard: every panel once, in the order shown, each shown or hidden. */
export const DashboardLayout = z.strictObject({
  panels: z
    .array(z.strictObject({ id: DashboardPanelId, visible: z.boolean() }))
    .min(1)
    .max(DASHBOARD_PANELS.length)
    .refine((panels) => new Set(panels.map((p) => p.id)).size === panels.length, "name each panel once"),
});
export type DashboardLayout = z.infer<typeof DashboardLayout>;
