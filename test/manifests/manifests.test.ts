import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildManifests, manifestVersion, normalizeBaseUrl, ssoFromEnv } from "../../manifests/build-manifests.ts";
import { fixture } from "../support/fixtures.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// Microsoft's 2020 manifest XSDs, patched for libxml2 (see test/fixtures/README.md).
const XSD = fixture("schemas/office-manifest-xsd/OfficeAppManifestV1_1.xsd");
const BASE_URL = "https://arkiv.kommune.example/ims";
const ORIGIN = "https://arkiv.kommune.example";

function xmllint(file: string, xsd = XSD): { ok: boolean; output: string } {
  const run = spawnSync("xmllint", ["--noout", "--nonet", "--schema", xsd, file], { encoding: "utf8" });
  if (run.error) throw new Error(`xmllint is needed for this test (Debian: apt-get install libxml2-utils): ${run.error.message}`);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/**
 * The 2020 schemas with the one later addition single sign-on needs in Outlook: <WebApplicationInfo> at the end of the
 * mail VersionOverrides 1.1 (where Microsoft documents it, and its own SSO sample's schema fix puts it), typed as in
 * the task pane schema. Written to `dir`; returns the main schema's path there.
 */
function schemasWithMailWebApplicationInfo(dir: string): string {
  const from = path.dirname(XSD);
  fs.cpSync(from, dir, { recursive: true });
  const taskPane = fs.readFileSync(path.join(from, "TaskPaneAppVersionOverridesV1_0.xsd"), "utf8");
  const types = /<xs:complexType name="WebApplicationScopes">[\s\S]*?<xs:complexType name="WebApplicationInfo">[\s\S]*?<\/xs:complexType>/.exec(taskPane)?.[0];
  if (!types) throw new Error("no WebApplicationInfo in the task pane schema");
  const mailFile = path.join(dir, "MailAppVersionOverridesV1_1.xsd");
  const mail = fs.readFileSync(mailFile, "utf8");
  const element = '<xs:element name="WebApplicationInfo" type="WebApplicationInfo" minOccurs="0" maxOccurs="1"/>\n      ';
  const patched = mail
    .replace('<xs:complexType name="VersionOverridesV1_1">', `${types.replace(/ odoc:omit="true"/g, "")}\n\n  <xs:complexType name="VersionOverridesV1_1">`)
    .replace('<xs:any id="VersionOverrides"', `${element}<xs:any id="VersionOverrides"`);
  expect(patched.match(/name="WebApplicationInfo"/g)).to.have.length(2);
  fs.writeFileSync(mailFile, patched);
  return path.join(dir, path.basename(XSD));
}

/** Every attribute value and text node that is an http(s) URL, except namespace declarations. */
function urlsIn(xml: string): string[] {
  const attributes = [...xml.matchAll(/\s([\w:]+)="(https?:[^"]*)"/g)].filter(([, name]) => !name.startsWith("xmlns")).map(([, , url]) => url);
  const texts = [...xml.matchAll(/>\s*(https?:[^<\s]*)\s*</g)].map(([, url]) => url);
  return [...attributes, ...texts];
}

const referencedResids = (xml: string) => new Set([...xml.matchAll(/\bresid="([^"]+)"/g)].map(([, id]) => id));
const definedResources = (xml: string) => new Set([...xml.matchAll(/<bt:(?:Image|Url|String)\s+id="([^"]+)"/g)].map(([, id]) => id));

/** The VersionOverrides blocks: Outlook nests V1_1 inside V1_0, and each carries its own resources. */
function overrideScopes(xml: string): string[] {
  const outer = /<VersionOverrides\b[\s\S]*<\/VersionOverrides>/.exec(xml)?.[0];
  if (!outer) throw new Error("no VersionOverrides");
  const inner = /<VersionOverrides xmlns="[^"]*\/1\.1"[\s\S]*?<\/VersionOverrides>/.exec(outer.slice(1))?.[0];
  return inner ? [outer.replace(inner, ""), inner] : [outer];
}

/** The Danish default and the en-US override of one string resource in one scope. */
function stringResource(scope: string, id: string): { da: string; en: string | undefined } {
  const match = new RegExp(`<bt:String id="${id.replace(/\./g, "\\.")}" DefaultValue="([^"]*)"(?:/>|>([\\s\\S]*?)</bt:String>)`).exec(scope);
  if (!match) throw new Error(`string ${id} is not defined`);
  return { da: match[1], en: /<bt:Override Locale="en-US" Value="([^"]*)"/.exec(match[2] ?? "")?.[1] };
}

function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).toString("hex"), `${file} is a PNG`).to.equal("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("latin1")).to.equal("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("Office add-in manifests", () => {
  let outDir: string;
  let outlook: string;
  let office: string;
  const packageVersion = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).version as string;

  before(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-manifests-"));
    const files = await buildManifests({ baseUrl: `${BASE_URL}/`, outDir });
    expect(files.map((f) => path.basename(f))).to.deep.equal(["outlook.xml", "office.xml"]);
    outlook = fs.readFileSync(path.join(outDir, "outlook.xml"), "utf8");
    office = fs.readFileSync(path.join(outDir, "office.xml"), "utf8");
  });

  after(() => fs.rmSync(outDir, { recursive: true, force: true }));

  for (const name of ["outlook.xml", "office.xml"]) {
    it(`${name} validates against Microsoft's OfficeApp 1.1 schemas with xmllint`, () => {
      const result = xmllint(path.join(outDir, name));
      expect(result.ok, result.output).to.equal(true);
    });
  }

  it("the schema check catches a broken manifest (a button without an action)", () => {
    const broken = path.join(outDir, "broken.xml");
    fs.writeFileSync(broken, outlook.replace(/<Action xsi:type="ShowTaskpane">[\s\S]*?<\/Action>/, ""));
    const result = xmllint(broken);
    expect(result.ok).to.equal(false);
    expect(result.output).to.match(/not expected|Missing child element/);
  });

  it("every URL points into the base URL's /addins/, and the app domain is its origin", () => {
    for (const xml of [outlook, office]) {
      const urls = urlsIn(xml);
      expect(urls.length).to.be.greaterThan(8);
      const outside = urls.filter((u) => !u.startsWith(`${BASE_URL}/addins/`) && u !== ORIGIN);
      expect(outside, "URLs outside the base URL").to.deep.equal([]);
      expect([...xml.matchAll(/<AppDomain>([^<]*)<\/AppDomain>/g)].map(([, d]) => d)).to.deep.equal([ORIGIN]);
      expect(xml).not.to.match(/\{\{\w+\}\}/);
    }
  });

  it("every resid is defined in its VersionOverrides, and every resource is used", () => {
    for (const xml of [outlook, office]) {
      for (const scope of overrideScopes(xml)) {
        const referenced = referencedResids(scope);
        const defined = definedResources(scope);
        expect(
          [...referenced].filter((id) => !defined.has(id)),
          "referenced but not defined",
        ).to.deep.equal([]);
        expect(
          [...defined].filter((id) => !referenced.has(id)),
          "defined but never used",
        ).to.deep.equal([]);
      }
    }
    expect(overrideScopes(outlook)).to.have.length(2);
  });

  it("the button says “Gem i IMS Case” in Danish and “Save to IMS Case” in English, and every string has both", () => {
    for (const xml of [outlook, office]) {
      expect(xml).to.contain("<DefaultLocale>da-DK</DefaultLocale>");
      expect(xml).to.match(/<DisplayName DefaultValue="Gem i IMS Case">\s*<Override Locale="en-US" Value="Save to IMS Case"\/>/);
      expect(xml).to.match(/<Description DefaultValue="[^"]+">\s*<Override Locale="en-US" Value="[^"]+"\/>/);
      for (const scope of overrideScopes(xml)) {
        expect(stringResource(scope, "Save.Label")).to.deep.equal({ da: "Gem i IMS Case", en: "Save to IMS Case" });
        const ids = [...scope.matchAll(/<bt:String id="([^"]+)"/g)].map(([, id]) => id);
        for (const id of ids) expect(stringResource(scope, id).en, `${id} has an English override`).to.be.a("string").and.not.equal("");
      }
    }
  });

  it("Outlook: a read-mode mail app with ReadWriteMailbox and a message-read button that opens the pane", () => {
    expect(outlook).to.contain('xsi:type="MailApp"');
    expect(outlook).to.match(/<Set Name="Mailbox" MinVersion="1\.1"\/>/);
    expect(outlook).to.contain("<Permissions>ReadWriteMailbox</Permissions>");
    expect(outlook).to.contain('<Rule xsi:type="ItemIs" ItemType="Message" FormType="Read"/>');
    for (const scope of overrideScopes(outlook)) {
      expect(scope).to.contain('<ExtensionPoint xsi:type="MessageReadCommandSurface">');
      expect(scope).to.match(/<Action xsi:type="ShowTaskpane">\s*<SourceLocation resid="Taskpane\.Url"\/>/);
      expect(scope).to.contain(`<bt:Url id="Taskpane.Url" DefaultValue="${BASE_URL}/addins/taskpane.html?host=outlook"/>`);
    }
    expect(outlook).to.contain('xsi:type="VersionOverridesV1_0"').and.to.contain('xsi:type="VersionOverridesV1_1"');
  });

  it("Word, Excel and PowerPoint: one task pane app with a Home-tab button in each host", () => {
    expect(office).to.contain('xsi:type="TaskPaneApp"');
    expect(office).to.contain("<Permissions>ReadWriteDocument</Permissions>");
    const hosts = { Document: "word", Workbook: "excel", Presentation: "powerpoint" };
    for (const [host, query] of Object.entries(hosts)) {
      expect(office).to.contain(`<Host Name="${host}"/>`);
      const block = new RegExp(`<Host xsi:type="${host}">([\\s\\S]*?)</Host>`).exec(office)?.[1] ?? "";
      expect(block, host).to.contain('<ExtensionPoint xsi:type="PrimaryCommandSurface">').and.to.contain('<OfficeTab id="TabHome">');
      expect(block).to.match(/<Action xsi:type="ShowTaskpane">\s*<TaskpaneId>ImsCase\.Pane<\/TaskpaneId>/);
      const resid = /<SourceLocation resid="([^"]+)"\/>/.exec(block)?.[1];
      expect(office).to.contain(`<bt:Url id="${resid}" DefaultValue="${BASE_URL}/addins/taskpane.html?host=${query}"/>`);
    }
  });

  it("the Id is stable and the version is package.json's in four parts", async () => {
    const again = fs.mkdtempSync(path.join(os.tmpdir(), "ims-manifests-"));
    try {
      await buildManifests({ baseUrl: "https://other.example", outDir: again });
      for (const [name, xml] of [
        ["outlook.xml", outlook],
        ["office.xml", office],
      ] as const) {
        const id = (s: string) => /<Id>([0-9a-f-]{36})<\/Id>/.exec(s)?.[1];
        expect(id(xml)).to.be.a("string");
        expect(id(fs.readFileSync(path.join(again, name), "utf8"))).to.equal(id(xml));
      }
      expect(/<Id>(.*)<\/Id>/.exec(outlook)?.[1]).not.to.equal(/<Id>(.*)<\/Id>/.exec(office)?.[1]);
    } finally {
      fs.rmSync(again, { recursive: true, force: true });
    }
    const version = manifestVersion(packageVersion);
    expect(version).to.match(/^\d+\.\d+\.\d+\.0$/);
    for (const xml of [outlook, office]) expect(xml).to.contain(`<Version>${version}</Version>`);
  });

  it("every icon the manifests name is a real PNG of that size in addins/assets", () => {
    const icons = new Set([...`${outlook}${office}`.matchAll(/\/addins\/assets\/(icon-(\d+)\.png)/g)].map(([, file]) => file));
    expect([...icons].sort()).to.deep.equal(["icon-128.png", "icon-16.png", "icon-32.png", "icon-64.png", "icon-80.png"]);
    for (const file of icons) {
      const size = Number(/(\d+)/.exec(file)![1]);
      expect(pngSize(path.join(repo, "addins", "assets", file)), file).to.deep.equal({ width: size, height: size });
    }
  });

  describe("with single sign-on (ENTRA_CLIENT_ID)", () => {
    const clientId = "3e171395-e09a-4bc8-8202-29e647b0c324";
    let ssoDir: string;
    before(async () => {
      ssoDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-manifests-sso-"));
      await buildManifests({ baseUrl: `${BASE_URL}/`, outDir: ssoDir, sso: ssoFromEnv({ ENTRA_CLIENT_ID: clientId }) });
    });
    after(() => fs.rmSync(ssoDir, { recursive: true, force: true }));
    const read = (name: string) => fs.readFileSync(path.join(ssoDir, name), "utf8");
    const info = (xml: string) => /<WebApplicationInfo>([\s\S]*?)<\/WebApplicationInfo>/.exec(xml)?.[1] ?? "";

    it("without it neither manifest has WebApplicationInfo", () => {
      expect(outlook).not.to.contain("WebApplicationInfo");
      expect(office).not.to.contain("WebApplicationInfo");
      expect(ssoFromEnv({})).to.equal(undefined);
    });

    it("both name the app registration, the API at api://<host>/<client id>, and openid and profile", () => {
      for (const xml of [read("outlook.xml"), read("office.xml")]) {
        const block = info(xml);
        expect(block).to.contain(`<Id>${clientId}</Id>`);
        expect(block).to.contain(`<Resource>api://arkiv.kommune.example/${clientId}</Resource>`);
        expect([...block.matchAll(/<Scope>([^<]*)<\/Scope>/g)].map(([, v]) => v)).to.deep.equal(["openid", "profile"]);
      }
      // Outlook reads it from VersionOverrides 1.1; Word, Excel and PowerPoint from VersionOverrides 1.0.
      expect(overrideScopes(read("outlook.xml"))[1]).to.contain("<WebApplicationInfo>");
      expect(overrideScopes(read("outlook.xml"))[0]).not.to.contain("<WebApplicationInfo>");
    });

    it("ENTRA_APP_ID_URI names the resource when the registration's application id URI is set", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-manifests-sso-"));
      try {
        const sso = ssoFromEnv({ ENTRA_CLIENT_ID: clientId, ENTRA_APP_ID_URI: `api://ims.kommune.example/${clientId}` });
        await buildManifests({ baseUrl: BASE_URL, outDir: dir, sso });
        expect(fs.readFileSync(path.join(dir, "office.xml"), "utf8")).to.contain(`<Resource>api://ims.kommune.example/${clientId}</Resource>`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      await buildManifests({ baseUrl: BASE_URL, outDir: ssoDir, sso: { clientId: "not-a-guid" } }).then(
        () => expect.fail("a client id that is no GUID was taken"),
        (err: Error) => expect(err.message).to.match(/ENTRA_CLIENT_ID.*GUID/),
      );
    });

    it("office.xml validates against the 2020 schemas; outlook.xml against them with Outlook's later WebApplicationInfo", () => {
      const officeResult = xmllint(path.join(ssoDir, "office.xml"));
      expect(officeResult.ok, officeResult.output).to.equal(true);
      // The 2020 mail schema predates WebApplicationInfo in Outlook: it refuses it, the schema with it accepts it.
      expect(xmllint(path.join(ssoDir, "outlook.xml")).output).to.match(/WebApplicationInfo.*not expected/);
      const schemas = fs.mkdtempSync(path.join(os.tmpdir(), "ims-manifests-xsd-"));
      try {
        const outlookResult = xmllint(path.join(ssoDir, "outlook.xml"), schemasWithMailWebApplicationInfo(schemas));
        expect(outlookResult.ok, outlookResult.output).to.equal(true);
        const misplaced = path.join(ssoDir, "misplaced.xml");
        fs.writeFileSync(misplaced, read("outlook.xml").replace(/(<\/Resources>\s*)(<WebApplicationInfo>[\s\S]*?<\/WebApplicationInfo>\s*)/, "$2$1"));
        expect(xmllint(misplaced, path.join(schemas, path.basename(XSD))).ok, "WebApplicationInfo before Resources").to.equal(false);
      } finally {
        fs.rmSync(schemas, { recursive: true, force: true });
      }
    });
  });

  it("refuses a base URL Office would not load: plain http, or one with a query", () => {
    expect(() => normalizeBaseUrl("http://ims.example.dk")).to.throw(/https/);
    expect(() => normalizeBaseUrl("https://ims.example.dk/?x=1")).to.throw(/origin/);
    expect(() => normalizeBaseUrl("not a url")).to.throw(/not a URL/);
    expect(normalizeBaseUrl("https://ims.example.dk/arkiv/")).to.equal("https://ims.example.dk/arkiv");
  });

  it("npm run manifests writes both files for --base-url", () => {
    const cli = fs.mkdtempSync(path.join(os.tmpdir(), "ims-manifests-cli-"));
    try {
      // The CLI writes beside its templates; run it on a copy so the working tree is left alone.
      fs.cpSync(path.join(repo, "manifests"), path.join(cli, "manifests"), { recursive: true });
      fs.copyFileSync(path.join(repo, "package.json"), path.join(cli, "package.json"));
      const out = execFileSync(
        process.execPath,
        ["--import", "tsx", path.join(cli, "manifests", "build-manifests.ts"), "--base-url", "https://ims.example.dk"],
        {
          cwd: repo,
          encoding: "utf8",
        },
      );
      expect(out).to.contain("outlook.xml").and.to.contain("office.xml");
      expect(fs.readFileSync(path.join(cli, "manifests", "office.xml"), "utf8")).to.contain("https://ims.example.dk/addins/taskpane.html");
    } finally {
      fs.rmSync(cli, { recursive: true, force: true });
    }
  });
});
