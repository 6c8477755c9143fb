import { Ajv, type AnySchema } from "ajv";
import * as ajvFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { buildAddon, type AddonBuild } from "../../gmail-addon/build.ts";
import { ACTIONS } from "../../gmail-addon/src/views/actions.ts";
import { fixture } from "../support/fixtures.ts";

const ADDON = path.resolve(import.meta.dirname, "../../gmail-addon");

type Manifest = {
  timeZone: string;
  runtimeVersion: string;
  oauthScopes: string[];
  urlFetchWhitelist: string[];
  addOns: Record<string, Record<string, unknown>>;
};

/** Every function name the manifest gives Apps Script to call. */
function functionsNamedIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => functionsNamedIn(n, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (["runFunction", "onTriggerFunction"].includes(key) && typeof value === "string") out.add(value);
      else functionsNamedIn(value, out);
    }
  }
  return out;
}

/**
 * The JSON Schema for appsscript.json (SchemaStore, draft-07) with its formats checked. Two of them are
 * stricter than Google's own manifest reference, which the schema otherwise follows: oauthScopes items are
 * "uri", but Google documents the OpenID Connect scope plainly as "openid" (needed for
 * ScriptApp.getIdentityToken()); and the URL-prefix fields (urlFetchWhitelist, openLink …) are "hostname",
 * although Google documents them as HTTPS URL prefixes ending in "/". Those two formats are checked by
 * Google's rule instead.
 */
function manifestValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv-formats is CommonJS: its plugin is the module itself.
  (ajvFormats.default as unknown as (a: Ajv) => Ajv)(ajv);
  const uri = fullFormats.uri as (s: string) => boolean;
  ajv.addFormat("uri", { type: "string", validate: (s: string) => s === "openid" || uri(s) });
  ajv.addFormat("hostname", { type: "string", validate: (s: string) => /^https:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?\/([^\s]*\/)?$/i.test(s) });
  const schema = JSON.parse(fs.readFileSync(fixture("schemas/appsscript.json"), "utf8")) as AnySchema & { $id: string };
  ajv.addSchema(schema);
  return {
    manifest: ajv.getSchema(schema.$id)!,
    // The schema has no block for Docs and Slides; Google documents them with the same shape as Sheets'.
    editorBlock: ajv.compile({ $ref: `${schema.$id}#/properties/addOns/properties/sheets` }),
  };
}

/** Module syntax and top-level function declarations in a script, read with TypeScript's parser. */
function readScript(code: string) {
  const source = ts.createSourceFile("Code.js", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const moduleSyntax: string[] = [];
  const visit = (node: ts.Node) => {
    const hasExport = ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const dynamicImport = ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword;
    const importMeta = ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword;
    if (
      ts.isImportDeclaration(node) ||
      ts.isImportEqualsDeclaration(node) ||
      ts.isExportDeclaration(node) ||
      ts.isExportAssignment(node) ||
      hasExport ||
      dynamicImport ||
      importMeta
    ) {
      moduleSyntax.push(node.getText(source).slice(0, 80));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const functions = source.statements.filter(ts.isFunctionDeclaration).map((f) => f.name!.text);
  const declared = source.statements.flatMap((st) =>
    ts.isVariableStatement(st)
      ? st.declarationList.declarations.map((d) => d.name.getText(source))
      : ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)
        ? [st.name!.text]
        : [],
  );
  return { moduleSyntax, functions, declared };
}

describe("the add-on's Apps Script project: appsscript.json and the bundle", () => {
  let built: AddonBuild;
  let manifest: Manifest;

  before(async function () {
    this.timeout(60_000);
    built = await buildAddon();
    manifest = JSON.parse(fs.readFileSync(built.manifestFile, "utf8")) as Manifest;
  });

  it("dist/appsscript.json validates against the appsscript.json schema, the Docs and Slides blocks against its Sheets block", () => {
    const { manifest: validate, editorBlock } = manifestValidator();
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    for (const host of ["docs", "sheets", "slides"])
      expect(editorBlock(manifest.addOns[host]), `${host}: ${JSON.stringify(editorBlock.errors)}`).to.equal(true);
    // … and the check bites: an http whitelist entry, a scope that is no URI, an unknown runtime.
    for (const broken of [{ urlFetchWhitelist: ["http://ims.example.dk/"] }, { oauthScopes: ["gmail readonly"] }, { runtimeVersion: "V9" }]) {
      expect(validate({ ...manifest, ...broken }), JSON.stringify(broken)).to.equal(false);
    }
  });

  it("declares the add-on for Gmail, Docs, Sheets and Slides, in Danish time and the V8 runtime, with the user's locale", () => {
    expect(manifest.timeZone).to.equal("Europe/Copenhagen");
    expect(manifest.runtimeVersion).to.equal("V8");
    expect(manifest.addOns.common).to.include({ name: "Gem i IMS Case", useLocaleFromApp: true });
    expect(manifest.addOns.gmail.contextualTriggers).to.deep.equal([{ unconditional: {}, onTriggerFunction: "onGmailMessageOpen" }]);
    for (const host of ["docs", "sheets", "slides"]) {
      expect(manifest.addOns[host]).to.deep.equal({
        homepageTrigger: { runFunction: "onEditorHomepage", enabled: true },
        onFileScopeGrantedTrigger: { runFunction: "onFileScopeGranted" },
      });
    }
  });

  it("asks for the smallest scopes that work: the open message, files the user opens it on, UrlFetch, locale, and who the user is", () => {
    expect(manifest.oauthScopes).to.have.members([
      "https://www.googleapis.com/auth/gmail.addons.execute",
      "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
      "https://www.googleapis.com/auth/drive.file",
      "https://www.googleapis.com/auth/script.external_request",
      "https://www.googleapis.com/auth/script.locale",
      "openid",
      "https://www.googleapis.com/auth/userinfo.email",
    ]);
    expect(manifest.oauthScopes.join(" ")).not.to.match(/auth\/(drive|gmail\.readonly|gmail\.modify|mail\.google\.com)(\s|$)/);
  });

  it("lets UrlFetch reach only the configured service and Drive's export, and takes the logo from the service", async () => {
    expect(manifest.urlFetchWhitelist).to.deep.equal(["https://localhost:3000/", "https://www.googleapis.com/drive/v3/files/"]);
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-gas-"));
    try {
      const other = await buildAddon({ serviceUrl: "https://ims.kommune.example/sag", outDir });
      const m = other.manifest as Manifest;
      expect(m.urlFetchWhitelist[0]).to.equal("https://ims.kommune.example/sag/");
      expect(m.addOns.common.logoUrl).to.equal("https://ims.kommune.example/sag/addins/assets/icon-80.png");
      expect(fs.existsSync(path.join(outDir, "Code.js"))).to.equal(true);
      let refused: unknown;
      await buildAddon({ serviceUrl: "http://ims.kommune.example/", outDir }).catch((err: unknown) => (refused = err));
      expect(String(refused)).to.match(/must use https/);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("dist/Code.js has no import or export and declares, as global functions, every function the manifest and the cards name", () => {
    const code = fs.readFileSync(built.codeFile, "utf8");
    const script = readScript(code);
    expect(script.moduleSyntax).to.deep.equal([]);
    for (const name of [...functionsNamedIn(manifest), ...Object.values(ACTIONS)]) expect(script.functions, name).to.include(name);
    expect(script.functions).to.include.members(built.globals);
    // Everything at the top of the script is global in Apps Script: nothing may shadow one of its services.
    // (Promise is shadowed on purpose, by the synchronous one.)
    const services = [
      "CardService",
      "GmailApp",
      "DriveApp",
      "ScriptApp",
      "UrlFetchApp",
      "Utilities",
      "CacheService",
      "PropertiesService",
      "Session",
      "Logger",
      "console",
    ];
    expect(script.declared.filter((n) => services.includes(n))).to.deep.equal([]);
    expect(script.declared).to.include("Promise");
  });

  it("clasp pushes dist/, and npm has the scripts to build and push", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ADDON, ".clasp.json"), "utf8"))).to.include({ rootDir: "dist" });
    const pkg = JSON.parse(fs.readFileSync(path.resolve(ADDON, "../package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["gas:build"]).to.contain("gmail-addon/build.ts");
    expect(pkg.scripts["gas:push"]).to.contain("gmail-addon/push.ts");
  });
});
