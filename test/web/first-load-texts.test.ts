import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { REPO } from "../support/browser.ts";
import * as core from "../../web/src/texts/core.ts";
import * as dashboard from "../../web/src/texts/dashboard.ts";
import * as pages from "../../web/src/texts/pages.ts";

// The sign-in page and the dashboard load with their own texts only (i18n.tsx); every other page's texts
// come with the first of those pages. A module of the first load that used another page's text would show
// the bare key, so: every text key written in a module the entry imports statically is a first-load key.

const ENTRY = path.join(REPO, "web/src/index.tsx");
const STATIC_IMPORT = /^\s*import\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']/gm;

function firstLoadModules(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of fs.readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      const target = path.resolve(path.dirname(file), spec);
      if (target.startsWith(path.join(REPO, "web/src")) && fs.existsSync(target)) visit(target);
    }
  };
  visit(ENTRY);
  return [...seen];
}

describe("the web view's first load carries the texts it shows", () => {
  const firstLoad = new Set<string>([...Object.keys(core.da), ...Object.keys(dashboard.da)]);

  it("every text key in a module of the first load is one of its texts", () => {
    const modules = firstLoadModules();
    expect(modules.map((m) => path.relative(REPO, m))).to.include.members(["web/src/pages/Dashboard.tsx", "web/src/pages/SignIn.tsx"]);
    const strays = modules.flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/["'`](web\.[\w.]+)["'`]/g)]
        .map((m) => m[1])
        .filter((key) => !firstLoad.has(key))
        .map((key) => `${path.relative(REPO, file)}: ${key}`),
    );
    expect(strays).to.deep.equal([]);
  });

  it("the other pages' texts do not repeat a first-load key (one text per key)", () => {
    expect(Object.keys(pages.da).filter((key) => firstLoad.has(key))).to.deep.equal([]);
  });
});
