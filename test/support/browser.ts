import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const ARTIFACTS = path.join(REPO, "test-artifacts");

/** Headless Chromium from Debian's package, with nothing reaching out to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

const newest = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((m, e) => Math.max(m, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs), 0);

/** Whether `built` (a file webpack writes last) is newer than every source of the build. */
function builtFresh(built: string): boolean {
  if (!fs.existsSync(built)) return false;
  const sources = Math.max(
    ...["web", "addins/src", "shared"].map((d) => newest(path.join(REPO, d))),
    fs.statSync(path.join(REPO, "webpack.config.js")).mtimeMs,
  );
  return fs.statSync(built).mtimeMs > sources;
}

const LOCK = path.join(REPO, "dist/.build-lock");
const STALE_LOCK_MS = 10 * 60_000;

/**
 * Builds dist/web and dist/addins (one webpack run) unless they are newer than their sources. Test files running side by
 * side (mocha --parallel) may all want it at once: one builds, under a lock directory, and the others wait and find it built.
 */
export function ensureBuilt(): void {
  const marks = [path.join(REPO, "dist/web/index.html"), path.join(REPO, "dist/addins/taskpane.html")];
  if (marks.every(builtFresh)) return;
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock left by a run that was killed mid-build.
      if (Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (!marks.every(builtFresh)) execFileSync("npx", ["webpack", "--mode", "production"], { cwd: REPO, stdio: "pipe" });
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The add-ins built (with the web view: one webpack run). */
export const ensureAddinsBuilt = ensureBuilt;

let fakeOfficeBundle: string | undefined;

/** test/support/fake-office.ts as a browser script defining `installFakeOffice`. */
export async function fakeOfficeScript(): Promise<string> {
  if (!fakeOfficeBundle) {
    const out = await build({
      entryPoints: [path.join(REPO, "test/support/fake-office.ts")],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "__fakeOffice",
      target: "es2020",
    });
    fakeOfficeBundle = `${out.outputFiles[0].text}\nwindow.installFakeOffice = __fakeOffice.installFakeOffice;`;
  }
  return fakeOfficeBundle;
}

/** Opens the task pane in a page whose Office is the fake host; office.js from the CDN is answered by a stub. */
export async function openTaskpane(browser: Browser, url: string, officeOptions: unknown, storage?: Record<string, string>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 360, height: 900 }, locale: "da-DK" });
  await page.route("https://appsforoffice.microsoft.com/**", (route) =>
    route.fulfill({ contentType: "text/javascript", body: "/* the test injects a fake Office host */" }),
  );
  await page.addInitScript({ content: await fakeOfficeScript() });
  await page.addInitScript(
    ([options, stored]) => {
      const w = window as unknown as { installFakeOffice(t: unknown, o: unknown): unknown; __office: unknown };
      w.__office = w.installFakeOffice(window, options);
      for (const [k, v] of Object.entries(stored ?? {})) localStorage.setItem(k, v);
    },
    [officeOptions, storage] as const,
  );
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(url);
  return page;
}

/** What the browser refused under the page's Content-Security-Policy since the last call (a pane that needs more than its CSP allows). */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}
const cspViolations: string[] = [];

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
