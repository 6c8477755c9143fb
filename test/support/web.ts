import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "chai";
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from "playwright-core";
import type { Db } from "../../service/db/database.ts";
import { hashPassword } from "../../service/features/auth/passwords.ts";
import { ensureBuilt, launchChromium } from "./browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "./service.ts";
import { buildWorld, type World } from "./world.ts";

// What every browser test of the web view needs: a built app, people with passwords, signing in, axe, and a
// browser whose every page is watched for what the CSP refused.

export const PASSWORD = "Skolekontoret-2026!";

/** The dates the web view shows: "08. jan. 2020 14:35". */
export const DANISH_MOMENT = /^\d{2}\. \p{L}{3}\.? \d{4} \d{2}:\d{2}$/u;

/** dist/web built (with the add-ins: one webpack run), see ensureBuilt. */
export const ensureWebBuilt = ensureBuilt;

/** Gives a user a password they may sign in with (no change required). */
export async function givePassword(db: Db, userId: string, password = PASSWORD): Promise<void> {
  await db
    .insertInto("user_passwords")
    .values({ user_id: userId, hash: await hashPassword(password), must_change: 0, set_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ hash: (eb) => eb.ref("excluded.hash"), must_change: 0 }))
    .execute();
}

/** The service with the test world in it and its web view built; `people` may sign in with PASSWORD. */
export async function startWebWorld(...people: Array<keyof World["users"]>): Promise<{ svc: TestService; w: World }> {
  ensureWebBuilt();
  const svc = await startTestService();
  const w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  for (const p of people) await givePassword(svc.ctx.db, w.users[p]);
  return { svc, w };
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

/** Presses Tab until the element has the focus (at most `presses` times); fails when it never does. */
export async function tabTo(page: Page, target: Locator, presses = 60): Promise<void> {
  for (let i = 0; i < presses; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Whether the page fits its window's width (no sideways scrolling of the page itself). */
export const noSidewaysScroll = (page: Page): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

export interface BrowserPerTest {
  readonly browser: Browser;
  /** The test's own browser context: Danish, 1200×900, unless the test replaced it. */
  readonly context: BrowserContext;
  /** Another browser context (another person's browser), watched and closed like the test's own. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** The test's own context closed and made again with these options (a phone's screen, say). */
  replaceContext(options: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Chromium for the tests of a describe block (call it in the block's body; it adds the hooks): every test gets
 * fresh browser contexts whose pages are watched for what the page's CSP refused. The app runs under the CSP the
 * service sends with it, and anything it refused would be broken somewhere: after each test there must be nothing.
 */
export function browserPerTest(): BrowserPerTest {
  let browser: Browser | undefined;
  let own: BrowserContext | undefined;
  let contexts: BrowserContext[] = [];
  let csp: string[] = [];
  const newContext = async (options: BrowserContextOptions = {}): Promise<BrowserContext> => {
    if (!browser) throw new Error("browserPerTest: Chromium is not running yet (used before the block's hooks?)");
    const made = await browser.newContext({ locale: "da-DK", viewport: { width: 1200, height: 900 }, ...options });
    made.on("page", (p) => void watchCsp(p, csp));
    contexts.push(made);
    return made;
  };
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    csp = [];
    contexts = [];
    own = await newContext();
  });
  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    expect(csp).to.deep.equal([]);
  });
  return {
    get browser() {
      if (!browser) throw new Error("browserPerTest: Chromium is not running yet");
      return browser;
    },
    get context() {
      if (!own) throw new Error("browserPerTest: no context outside a test");
      return own;
    },
    newContext,
    async replaceContext(options) {
      const old = own;
      own = await newContext(options);
      contexts = contexts.filter((c) => c !== old);
      await old?.close();
      return own;
    },
  };
}
