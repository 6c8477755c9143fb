// Builds the Apps Script project in gmail-addon/dist: Code.js (src/ bundled by esbuild, with the trigger
// and action functions as globals) and appsscript.json (from appsscript.template.json for one deployment).
//   IMS_SERVICE_URL=https://ims.example.dk/ npm run gas:build
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.join(HERE, "dist");
export const DEFAULT_SERVICE_URL = "https://localhost:3000/";

export interface AddonBuildOptions {
  /** The archive's HTTPS address; the manifest lets UrlFetch reach only it (and Drive). */
  serviceUrl?: string;
  /** The add-on's logo; by default the icon the service serves for the Office add-ins. */
  logoUrl?: string;
  outDir?: string;
}

export interface AddonBuild {
  codeFile: string;
  manifestFile: string;
  code: string;
  manifest: Record<string, unknown>;
  /** The functions the bundle defines as globals. */
  globals: string[];
}

/** The service URL as an urlFetchWhitelist prefix: https, with a path ending in "/". */
export function serviceUrlPrefix(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`IMS_SERVICE_URL must be a URL, got "${raw}"`);
  }
  if (url.protocol !== "https:") throw new Error(`IMS_SERVICE_URL must use https (Apps Script's urlFetchWhitelist takes only https prefixes), got "${raw}"`);
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/*$/, "/");
}

/** Removes esbuild's closing `export { … }` so the functions stay plain globals, as Apps Script needs them. */
export function stripExports(code: string): { code: string; names: string[] } {
  const match = /\nexport\s*\{([^}]*)\};?\s*$/.exec(code);
  if (!match) throw new Error("The bundle ends without an export list: main.ts must export the entry points.");
  const names = match[1]
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  const renamed = names.filter((n) => /\sas\s/.test(n));
  if (renamed.length) throw new Error(`esbuild renamed entry points to avoid a clash (${renamed.join("; ")}); rename the clashing function in src/.`);
  return { code: `${code.slice(0, match.index)}\n`, names };
}

/** Fails when anything module-like is left: Apps Script runs every file as one classic script. */
export function assertNoModuleSyntax(code: string): void {
  const line = code.split("\n").findIndex((l) => /^\s*(import|export)\b(?!\s*[:=(])/.test(l) || /\bimport\s*\(|\bimport\.meta\b/.test(l));
  if (line >= 0) throw new Error(`dist/Code.js line ${line + 1} is an import or export statement: ${code.split("\n")[line].slice(0, 120)}`);
}

export async function buildAddon(options: AddonBuildOptions = {}): Promise<AddonBuild> {
  const outDir = options.outDir ?? DIST;
  const serviceUrl = serviceUrlPrefix(options.serviceUrl ?? DEFAULT_SERVICE_URL);
  const logoUrl = options.logoUrl ?? `${serviceUrl}addins/assets/icon-80.png`;
  const common = { bundle: true, target: "es2016", write: false, legalComments: "none", charset: "utf8", logLevel: "silent" } as const;

  // The synchronous Promise goes first, as the global every lowered async function calls.
  const runtime = await build({ ...common, entryPoints: [path.join(HERE, "src/runtime/sync-promise.ts")], format: "iife", globalName: "ImsSyncPromise" });
  const banner = [
    "// Gem i IMS Case, Google Workspace add-on. Built by gmail-addon/build.ts from gmail-addon/src: do not edit.",
    runtime.outputFiles[0].text.trim(),
    "// async/await is lowered to generators run by esbuild's __async, which uses this Promise: see src/runtime/sync-promise.ts.",
    "var Promise = ImsSyncPromise.SyncPromise;",
  ].join("\n");
  const bundle = await build({ ...common, entryPoints: [path.join(HERE, "src/main.ts")], format: "esm", platform: "neutral", banner: { js: banner } });
  const { code, names } = stripExports(bundle.outputFiles[0].text);
  assertNoModuleSyntax(code);

  const template = fs.readFileSync(path.join(HERE, "appsscript.template.json"), "utf8");
  const manifest = JSON.parse(template.replaceAll("${IMS_SERVICE_URL}", serviceUrl).replaceAll("${IMS_LOGO_URL}", logoUrl)) as Record<string, unknown>;

  fs.mkdirSync(outDir, { recursive: true });
  const codeFile = path.join(outDir, "Code.js");
  const manifestFile = path.join(outDir, "appsscript.json");
  // Written beside and renamed into place: a build running at the same time, or clasp, never reads half a file.
  const writeWhole = (file: string, text: string) => {
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  };
  writeWhole(codeFile, code);
  writeWhole(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { codeFile, manifestFile, code, manifest, globals: names };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildAddon({ serviceUrl: process.env.IMS_SERVICE_URL || undefined, logoUrl: process.env.IMS_LOGO_URL || undefined }).then(
    (b) => {
      const kb = (fs.statSync(b.codeFile).size / 1024).toFixed(0);
      console.log(
        `${path.relative(process.cwd(), b.codeFile)} (${kb} KB, ${b.globals.length} global functions) and ${path.relative(process.cwd(), b.manifestFile)}`,
      );
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
