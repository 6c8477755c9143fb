import type { ChildService } from "../support/child-service.ts";
import { launchChromium } from "../support/browser.ts";
import { send } from "../support/payload.ts";
import { ensureWebBuilt } from "../support/web.ts";
import type { BenchArchive, BenchUser } from "./archive.ts";

// The web view's quality bar "Fast", measured against a service running on the bench archive: the
// endpoints the dashboard and the lists call, as the signed-in browser calls them (session cookie), and
// the dashboard in headless Chromium from a cold cache until its panels show rows.

export const ENDPOINT_GOAL_MS = 20;
export const DASHBOARD_GOAL_MS = 1000;

export interface Latency {
  label: string;
  path: string;
  runs: number;
  /** Items on the page each request returned (all requests return the same page). */
  items: number | null;
  more: boolean;
  p50: number;
  p95: number;
  max: number;
}

export interface WebMeasures {
  endpoints: Latency[];
  dashboard: { runs: number; p50: number; p95: number; max: number; steps: LoadSteps };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Signs a user in through the service's own sign-in API, as the sign-in page does; the session cookie's value. */
export async function signInSession(svc: ChildService, { email, password }: BenchUser): Promise<string> {
  const reply = await send(`${svc.url}/api/auth/sign-in`, { method: "POST", json: { email, password }, headers: { origin: svc.url } });
  if (reply.status !== 200) throw new Error(`signing in as ${email} answered ${reply.status}: ${reply.body.toString("utf8")}`);
  const cookie = [reply.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("ims_session="));
  if (!cookie) throw new Error("signing in set no ims_session cookie");
  return cookie.slice("ims_session=".length).split(";")[0];
}

/** `runs` requests one after another (a person's browser asks one list at a time), after a few to warm up. */
async function latency(svc: ChildService, session: string, label: string, path: string, runs: number): Promise<Latency> {
  const url = `${svc.url}${path}`;
  const headers = { cookie: `ims_session=${session}` };
  let body: { items?: unknown[]; nextCursor?: string | null } = {};
  for (let i = 0; i < 5; i++) {
    const reply = await send(url, { headers });
    if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.body.toString("utf8")}`);
    body = reply.json();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const reply = await send(url, { headers });
    times.push(performance.now() - t);
    if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.body.toString("utf8")}`);
  }
  times.sort((a, b) => a - b);
  return {
    label,
    path,
    runs,
    items: Array.isArray(body.items) ? body.items.length : null,
    more: Boolean(body.nextCursor),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1],
  };
}

/** The endpoints the dashboard and the case and document lists call, `runs` times each. */
export async function measureEndpoints(svc: ChildService, archive: BenchArchive, session: string, partner: string, runs = 200): Promise<Latency[]> {
  const first = (await send(`${svc.url}/api/cases?filter=all&limit=25`, { headers: { cookie: `ims_session=${session}` } })).json();
  if (!first.nextCursor) throw new Error("the case list has no second page on the bench archive");
  const { bigCase, typicalCase } = archive.facts;
  const endpoints: Array<[string, string]> = [
    ["GET /api/me", "/api/me"],
    ["GET /api/me/dashboard (layout)", "/api/me/dashboard"],
    ["cases: mine, 10 (dashboard)", "/api/cases?filter=mine&limit=10"],
    ["cases: critical active, 10 (dashboard)", "/api/cases?critical=true&status=active&limit=10"],
    ["cases: all, 25 (case list)", "/api/cases?filter=all&limit=25"],
    ["cases: all, 25, second page", `/api/cases?filter=all&limit=25&cursor=${encodeURIComponent(first.nextCursor)}`],
    ["cases: critical, 25", "/api/cases?critical=true&limit=25"],
    ["cases: closed, 25", "/api/cases?status=closed&limit=25"],
    ["cases: by title, 25", "/api/cases?sort=title&limit=25"],
    ["cases: by number, 25", "/api/cases?sort=number&limit=25"],
    ["documents: latest 10 (dashboard)", "/api/documents?limit=10"],
    ["documents: latest 25 (document list)", "/api/documents?limit=25"],
    [`documents: case with ${bigCase.documents.toLocaleString("en")}, 25`, `/api/documents?caseId=${bigCase.id}&limit=25`],
    [`documents: a case with ${typicalCase.documents}, 25`, `/api/documents?caseId=${typicalCase.id}&limit=25`],
    ["documents: my floating, 25 (inbox)", "/api/documents?floating=true&mine=true&limit=25"],
    [`tasks: mine not done, 10 (dashboard; ${archive.facts.aliceOpenTasks.toLocaleString("en")} in all)`, "/api/tasks?mine=true&limit=10"],
    ["tasks: mine not done, 25 (task list)", "/api/tasks?mine=true&limit=25"],
    [`notifications: latest 10 (dashboard; ${archive.facts.aliceNotifications.toLocaleString("en")} in all)`, "/api/notifications?limit=10"],
    [`notifications: unread count (top bar; ${archive.facts.aliceUnread.toLocaleString("en")} unread)`, "/api/notifications/unread"],
    ["notifications: unread, 25 (notifications page)", "/api/notifications?unread=true&limit=25"],
  ];
  const out: Latency[] = [];
  for (const [label, path] of endpoints) out.push(await latency(svc, session, label, path, runs));
  // Someone who sees almost nothing: a listing must not walk the whole archive looking for their documents.
  for (const [label, path] of [
    ["partner who sees no case: latest documents 10", "/api/documents?limit=10"],
    ["partner who sees no case: my cases 10", "/api/cases?filter=mine&limit=10"],
    ["partner who sees no case: my floating 25 (inbox)", "/api/documents?floating=true&mine=true&limit=25"],
    ["partner who sees no case: my tasks 10", "/api/tasks?mine=true&limit=10"],
    ["partner who sees no case: notifications 10", "/api/notifications?limit=10"],
    ["partner who sees no case: unread count", "/api/notifications/unread"],
  ]) {
    out.push(await latency(svc, partner, label, path, runs));
  }
  return out;
}

/** Where a cold load's time went, in ms from navigation start (medians over the runs). */
export interface LoadSteps {
  /** The HTML's last byte. */
  html: number;
  /** The last script's last byte. */
  scripts: number;
  /** The first API call sent, and the last one answered. */
  firstApi: number;
  lastApi: number;
  apiCalls: number;
}

/**
 * The dashboard shown with data from a cold cache: a new browser context each run (no cache, no storage)
 * holding only the session cookie, from navigation start until both panels show rows.
 */
export async function measureDashboard(svc: ChildService, session: string, runs = 20): Promise<WebMeasures["dashboard"]> {
  ensureWebBuilt();
  const browser = await launchChromium();
  const times: number[] = [];
  const steps: LoadSteps[] = [];
  try {
    // One load first, not counted: the service reads the app's files from disk once.
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: "ims_session", value: session, url: svc.url, httpOnly: true, sameSite: "Lax" }]);
      const page = await context.newPage();
      await page.goto(`${svc.url}/`, { waitUntil: "commit" });
      const shown = await page.waitForFunction(
        () =>
          document.querySelector('[data-testid="my-cases"] [data-case-id]') && document.querySelector('[data-testid="latest-documents"] [data-document-id]')
            ? performance.now()
            : false,
        undefined,
        { polling: "raf", timeout: 30_000 },
      );
      const at = (await shown.jsonValue()) as number;
      const step = await page.evaluate((): LoadSteps => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
        const api = resources.filter((r) => new URL(r.name).pathname.startsWith("/api/"));
        const scripts = resources.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
        return {
          html: nav.responseEnd,
          scripts: Math.max(0, ...scripts.map((r) => r.responseEnd)),
          firstApi: Math.min(...api.map((r) => r.startTime)),
          lastApi: Math.max(...api.map((r) => r.responseEnd)),
          apiCalls: api.length,
        };
      });
      if (i > 0) {
        times.push(at);
        steps.push(step);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a - b);
  const median = (pick: (s: LoadSteps) => number) =>
    percentile(
      steps.map(pick).sort((a, b) => a - b),
      50,
    );
  return {
    runs,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1],
    steps: {
      html: median((s) => s.html),
      scripts: median((s) => s.scripts),
      firstApi: median((s) => s.firstApi),
      lastApi: median((s) => s.lastApi),
      apiCalls: median((s) => s.apiCalls),
    },
  };
}

/** Everything above against a service running on the bench archive. */
export async function measureWeb(svc: ChildService, archive: BenchArchive, options: { requests?: number; loads?: number } = {}): Promise<WebMeasures> {
  const session = await signInSession(svc, archive.facts.benchUser);
  const partner = await signInSession(svc, archive.facts.partnerUser);
  const endpoints = await measureEndpoints(svc, archive, session, partner, options.requests ?? 200);
  const dashboard = await measureDashboard(svc, session, options.loads ?? 20);
  return { endpoints, dashboard };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const verdict = (value: number, goal: number) => (value <= goal ? "met" : "MISSED");

/** The measures as rows of run.ts's table: measure, value, detail with the goal beside the figure. */
export function webRows(m: WebMeasures): Array<[string, string, string]> {
  return [
    ...m.endpoints.map((e): [string, string, string] => [
      e.label,
      `p95 ${ms(e.p95)}`,
      `goal p95 ≤ ${ENDPOINT_GOAL_MS} ms: ${verdict(e.p95, ENDPOINT_GOAL_MS)}; p50 ${ms(e.p50)}, max ${ms(e.max)}, ${e.runs} requests${
        e.items === null ? "" : `, ${e.items}${e.more ? "+" : ""} items`
      }`,
    ]),
    [
      `dashboard shown with data (${m.dashboard.runs} cold loads)`,
      `p95 ${ms(m.dashboard.p95)}`,
      `goal p95 ≤ ${(DASHBOARD_GOAL_MS / 1000).toFixed(1)} s: ${verdict(m.dashboard.p95, DASHBOARD_GOAL_MS)}; p50 ${ms(m.dashboard.p50)}, max ${ms(m.dashboard.max)}; navigation start → my cases and latest documents with rows`,
    ],
    [
      "dashboard cold load, median steps",
      `${m.dashboard.steps.apiCalls} API calls`,
      `HTML ${ms(m.dashboard.steps.html)}, scripts ${ms(m.dashboard.steps.scripts)}, first API call ${ms(m.dashboard.steps.firstApi)}, last answer ${ms(m.dashboard.steps.lastApi)}`,
    ],
  ];
}
