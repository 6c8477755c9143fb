import { AxeBuilder } from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Db } from "../../service/db/database.ts";
import { hashPassword } from "../../service/features/auth/passwords.ts";
import { REPO } from "./browser.ts";

// What every browser test of the web view needs: a built app, people with passwords, signing in, axe.

export const PASSWORD = "Skolekontoret-2026!";

/** The dates the web view shows: "08. jan. 2020 14:35". */
export const DANISH_MOMENT = /^\d{2}\. \p{L}{3}\.? \d{4} \d{2}:\d{2}$/u;

/**
 * Builds dist/web (with the add-ins: one webpack run) when it is missing or older than its sources or the build's configuration. A lock
 * file keeps two test runs on one machine from building into the same directory at once.
 */
export function ensureWebBuilt(): void {
  const html = path.join(REPO, "dist/web/index.html");
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce((m, e) => Math.max(m, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs), 0);
  const built = fs.existsSync(html) ? fs.statSync(html).mtimeMs : 0;
  const sources = Math.max(newest(path.join(REPO, "web")), newest(path.join(REPO, "shared")), fs.statSync(path.join(REPO, "webpack.config.js")).mtimeMs);
  if (built > sources) return;
  buildLocked();
}

/** One webpack run at a time into dist/ (two test files, or two people's runs, may want it at once). */
export function buildLocked(): void {
  fs.mkdirSync(path.join(REPO, "dist"), { recursive: true });
  execFileSync("flock", [path.join(REPO, "dist/.build-lock"), "npx", "webpack", "--mode", "production"], { cwd: REPO, stdio: "pipe" });
}

/** Gives a user a password they may sign in with (no change required). */
export async function givePassword(db: Db, userId: string, password = PASSWORD): Promise<void> {
  await db
    .insertInto("user_passwords")
    .values({ user_id: userId, hash: await hashPassword(password), must_change: 0, set_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ hash: (eb) => eb.ref("excluded.hash"), must_change: 0 }))
    .execute();
}

/** Fills in and sends the sign-in form on the page (which must show it). */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("E-mailadresse").fill(email);
  await page.getByLabel("Adgangskode").fill(password);
  await page.getByRole("button", { name: "Log ind" }).click();
}

/** Opens a page of the app signed in as `email`: the sign-in page first, then `url` once the dashboard shows. */
export async function openSignedIn(context: BrowserContext, baseUrl: string, email: string, url = "/", password = PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/log-ind`);
  await signIn(page, email, password);
  await page.getByTestId("my-cases").waitFor();
  if (url !== "/") await page.goto(`${baseUrl}${url}`);
  return page;
}

/**
 * axe-core's violations on the page as it is now, one line each. Fluent's focus management (tabster) puts
 * sentinel elements (`data-tabster-dummy`) around menus and dialogs: aria-hidden, they hand focus on the moment
 * they get it and are never announced, so axe's aria-hidden-focus does not apply to them and they are left out.
 */
export const axeViolations = async (page: Page): Promise<string[]> =>
  (await new AxeBuilder({ page }).exclude("[data-tabster-dummy]").analyze()).violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );

/** Collects what the browser refused under the page's CSP, for an afterEach to assert there was nothing. */
export function watchCsp(page: Page, into: string[]): Page {
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) into.push(m.text());
  });
  return page;
}
