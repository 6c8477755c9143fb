// Builds the add-on and pushes gmail-addon/dist to its Apps Script project with clasp 3:
//   npx clasp login                       (once)
//   GAS_SCRIPT_ID=<script id> IMS_SERVICE_URL=https://ims.example.dk/ npm run gas:push
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildAddon, DIST } from "./build.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));

const project = JSON.parse(fs.readFileSync(path.join(HERE, ".clasp.json"), "utf8")) as { scriptId: string; rootDir: string };
const scriptId = process.env.GAS_SCRIPT_ID || project.scriptId;
if (!scriptId || scriptId.includes("${")) {
  console.error("Set GAS_SCRIPT_ID to the Apps Script project's id (Apps Script editor → Project settings → IDs).");
  process.exit(1);
}

await buildAddon({ serviceUrl: process.env.IMS_SERVICE_URL || undefined, logoUrl: process.env.IMS_LOGO_URL || undefined });
// gmail-addon/.clasp.json keeps a placeholder; clasp gets a copy with the real id and an absolute rootDir.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-clasp-"));
const file = path.join(dir, ".clasp.json");
fs.writeFileSync(file, JSON.stringify({ ...project, scriptId, rootDir: path.resolve(HERE, project.rootDir ?? DIST) }, null, 2));
try {
  const pushed = spawnSync("npx", ["--no-install", "clasp", "--project", file, "push", "--force"], { stdio: "inherit", cwd: HERE });
  process.exitCode = pushed.status ?? 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
