import { expect } from "chai";
import express from "express";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import request from "supertest";
import { addinsStatic } from "../../service/app.ts";
import { problemHandler } from "../../service/http/problem.ts";
import { ensureAddinsBuilt } from "../support/browser.ts";
import { startTestService, type TestService } from "../support/service.ts";

describe("the archive service serves the Office add-ins under /addins/", () => {
  let svc: TestService;

  before(async function () {
    this.timeout(300_000);
    ensureAddinsBuilt();
    svc = await startTestService();
  });

  after(async () => svc?.dispose());

  it("serves the task pane page without a token, loading office.js from Microsoft and its hashed bundle", async () => {
    const res = await request(svc.server).get("/addins/taskpane.html").expect(200);
    expect(res.headers["content-type"]).to.match(/^text\/html/);
    expect(res.headers["cache-control"]).to.equal("no-cache");
    expect(res.text).to.contain("https://appsforoffice.microsoft.com/lib/1/hosted/office.js");
    expect(res.text).to.match(/<div id="?root"?>/);
    const bundle = /src="?(taskpane\.[0-9a-f]{10}\.js)/.exec(res.text)?.[1];
    expect(bundle, "the page names its content-hashed bundle").to.be.a("string");

    const js = await request(svc.server).get(`/addins/${bundle}`).expect(200);
    expect(js.headers["content-type"]).to.match(/javascript/);
    expect(js.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
  });

  it("the task pane pages have a strict CSP: script only from the service and office.js's CDN, framed only by Office", async () => {
    for (const page of ["/addins/taskpane.html", "/addins/commands.html"]) {
      const res = await request(svc.server).get(page).expect(200);
      const csp = String(res.headers["content-security-policy"]);
      const directive = (name: string) =>
        csp
          .split(";")
          .map((d) => d.trim().split(/\s+/))
          .find((d) => d[0] === name)
          ?.slice(1) ?? [];
      expect(directive("script-src"), page).to.deep.equal(["'self'", "https://appsforoffice.microsoft.com"]);
      expect(directive("object-src"), page).to.deep.equal(["'none'"]);
      expect(directive("default-src"), page).to.deep.equal(["'self'"]);
      const ancestors = directive("frame-ancestors");
      for (const office of ["'self'", "https://*.officeapps.live.com", "https://*.office.com", "https://outlook.live.com", "https://*.sharepoint.com"]) {
        expect(ancestors, `${page} may be framed by ${office}`).to.include(office);
      }
      expect(ancestors, "no wildcard ancestor").to.not.include("*");
      expect(res.text, "no inline script").to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it("API answers can be neither run nor framed, and grant no other origin access", async () => {
    const res = await request(svc.server).get("/api/health").set("Origin", "https://evil.example").expect(200);
    expect(res.headers["content-security-policy"]).to.equal("default-src 'none'; frame-ancestors 'none'; sandbox");
    expect(res.headers["access-control-allow-origin"]).to.equal(undefined);
  });

  it("serves the ribbon's function file and the manifests' icons", async () => {
    const commands = await request(svc.server).get("/addins/commands.html").expect(200);
    expect(commands.text).to.contain("office.js");
    for (const size of [16, 32, 64, 80, 128]) {
      const icon = await request(svc.server).get(`/addins/assets/icon-${size}.png`).expect(200);
      expect(icon.headers["content-type"]).to.equal("image/png");
      expect(icon.headers["cache-control"]).to.equal("no-cache");
    }
  });

  it("answers a file that is not there with 404 problem+json, not the API's token check", async () => {
    const res = await request(svc.server).get("/addins/nothing-here.js").expect(404);
    expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).to.include({ code: "not_found" });
  });

  it("says to run `npm run build:addins` when the add-ins are not built", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "ims-addins-"));
    const missing = path.join(parent, "dist-addins");
    const app = express()
      .use("/addins", addinsStatic(missing))
      .use(problemHandler(pino({ level: "silent" })));
    const res = await request(app).get("/addins/taskpane.html").expect(404);
    expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
    const problem = JSON.parse(res.text);
    expect(problem.code).to.equal("addins_not_built");
    expect(problem.detail).to.contain("npm run build:addins");
    fs.rmSync(parent, { recursive: true, force: true });
  });
});
