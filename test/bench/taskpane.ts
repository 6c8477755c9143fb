import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ensureAddinsBuilt, fakeOfficeScript, launchChromium, REPO } from "../support/browser.ts";

// The task pane's weight (its JavaScript, gzipped as served) and its time to first useful render in
// headless Chromium, loaded from the local service with an empty cache each time.

export async function measureTaskpane(serviceUrl: string, token: string, runs = 10) {
  ensureAddinsBuilt();
  const dist = path.join(REPO, "dist/addins");
  const js = fs.readdirSync(dist).filter((f) => /^taskpane\..*\.js$/.test(f));
  const bytes = js.map((f) => fs.readFileSync(path.join(dist, f)));
  const raw = bytes.reduce((n, b) => n + b.length, 0);
  const gzip = bytes.reduce((n, b) => n + gzipSync(b, { level: 6 }).length, 0);

  const browser = await launchChromium();
  const times: number[] = [];
  try {
    const fake = await fakeOfficeScript();
    const office = { host: "Word", displayLanguage: "da-DK", document: { url: "Indstillingsnotat.docx", fileBase64: Buffer.from("x").toString("base64") } };
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      const page = await context.newPage();
      await page.route("https://appsforoffice.microsoft.com/**", (route) => route.fulfill({ contentType: "text/javascript", body: "" }));
      await page.addInitScript({ content: fake });
      await page.addInitScript(
        ([o, settings]) => {
          (window as unknown as { installFakeOffice(t: unknown, o: unknown): unknown }).installFakeOffice(window, o);
          localStorage.setItem("imsCase.connection", settings);
        },
        [office, JSON.stringify({ serviceUrl: serviceUrl, token })] as const,
      );
      await page.goto(`${serviceUrl}/addins/taskpane.html?host=word`);
      // First useful render: the case search box, with reference data loaded from the service.
      await page.getByTestId("case-search").waitFor();
      times.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a - b);
  return {
    rawKiB: raw / 1024,
    gzipKiB: gzip / 1024,
    p50: times[Math.floor(times.length / 2)],
    p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))],
    runs,
  };
}
