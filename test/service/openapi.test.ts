import http from "node:http";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { expect } from "chai";
import { z } from "zod";
import { openApiDocument } from "../../service/http/openapi.ts";
import { route } from "../../service/http/route.ts";
import { tusClient } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: { enum?: string[]; type?: string };
}
interface DocumentedResponse {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, DocumentedResponse>;
}
interface OpenApi {
  info: { license?: { name: string; identifier?: string }; contact?: { name?: string; url?: string } };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
}

const PUBLIC_URL = "https://arkiv.kommune.dk";

/** One request as a client sends it: node's http, since fetch adds headers of its own (Cache-Control with If-None-Match). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const url = new URL(base);
    const framing = body === undefined ? {} : { "Content-Length": String(Buffer.byteLength(body)) };
    const req = http.request({ host: url.hostname, port: url.port, method: method.toUpperCase(), path, headers: { ...headers, ...framing } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

describe("the OpenAPI document", () => {
  let svc: TestService;
  let w: World;
  let doc: OpenApi;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({ path, method, op, name: `${method.toUpperCase()} ${path}` })),
    );
  const needsToken = (op: Operation) => (op.security ?? []).length > 0;

  before(async () => {
    // The default limit of failed sign-ins, so the probe at the end sees the throttle answer too.
    svc = await startTestService({ PUBLIC_URL, IMS_AUTH_FAILURES_PER_MINUTE: "20" });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    doc = await (await fetch(`${svc.url}/api/openapi.json`)).json();
  });
  after(() => svc.dispose());

  it("passes Redocly's recommended-strict rules and more with no errors and no warnings", async () => {
    const config = await createConfig({
      extends: ["recommended-strict"],
      rules: {
        "info-contact": "error",
        "operation-tag-defined": "error",
        "operation-singular-tag": "error",
        "path-params-defined": "error",
        "paths-kebab-case": "error",
        "no-http-verbs-in-paths": "error",
        "array-parameter-serialization": "error",
        "component-name-unique": "error",
        // Replaced by the check below: the single sign-on start and callback succeed with a redirect (3XX), not a 2XX.
        "operation-2xx-response": "off",
      },
    });
    const problems = await lintFromString({ source: JSON.stringify(doc, null, 2), absoluteRef: "openapi.json", config });
    const lines = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(", ")}`);
    expect(lines, `Redocly found:\n${lines.join("\n")}`).to.deep.equal([]);
    const noSuccess = operations().filter(({ op }) => !Object.keys(op.responses ?? {}).some((code) => /^[23]\d\d$/.test(code)));
    expect(
      noSuccess.map((o) => o.name),
      "operations without a 2XX or 3XX response",
    ).to.deep.equal([]);
  });

  it("names an MIT licence, a contact and the public URL as its server, and describes every tag it uses", () => {
    expect(doc.info.license).to.deep.equal({ name: "MIT", identifier: "MIT" });
    expect(doc.info.contact?.name).to.be.a("string").and.not.equal("");
    expect(doc.info.contact?.url).to.equal(`${PUBLIC_URL}/`);
    expect(doc.servers).to.deep.equal([{ url: PUBLIC_URL, description: "This archive service" }]);
    const declared = new Map(doc.tags.map((t) => [t.name, t.description]));
    for (const { name, op } of operations()) {
      for (const tag of op.tags ?? []) expect(declared.get(tag), `${name}: tag ${tag}`).to.be.a("string").and.not.equal("");
    }
  });

  it("gives every operation an operationId, no two the same", () => {
    const ids = operations().map(({ name, op }) => {
      expect(op.operationId, name)
        .to.be.a("string")
        .and.match(/^[a-z][A-Za-z0-9]+$/);
      return op.operationId;
    });
    expect(ids.length).to.be.greaterThan(60);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it("documents 401 with WWW-Authenticate and 429 with Retry-After on every operation, and 403 on every admin one", () => {
    const ops = operations();
    expect(ops.filter(({ op }) => needsToken(op)).length).to.be.greaterThan(60);
    for (const { path, method, name, op } of ops) {
      // The bearer check runs before every /api route: a bad token is refused even where none is needed.
      expect(op.responses["401"]?.headers, `${name} 401`).to.have.property("WWW-Authenticate");
      if (method !== "head") expect(op.responses["401"].content, `${name} 401`).to.have.property("application/problem+json");
      expect(op.responses["429"]?.headers, `${name} 429`).to.have.property("Retry-After");
      if (path.startsWith("/api/admin/")) expect(op.responses["403"], `${name} 403`).to.be.an("object");
    }
  });

  it("describes the body of every answer that has one", () => {
    for (const { method, name, op } of operations()) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (method === "head") expect(r.content, `${name} ${status}: HEAD answers carry no body`).to.equal(undefined);
        else if (Number(status) >= 400) expect(Object.keys(r.content ?? {}), `${name} ${status}`).to.have.length(1);
      }
    }
    // Every route's success answers a body except 204 (and a 304 for downloads).
    const routeOps = operations().filter(({ path }) => !path.startsWith("/api/uploads"));
    for (const { name, op } of routeOps) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (status.startsWith("2") && status !== "204") expect(Object.keys(r.content ?? {}), `${name} ${status}`).to.have.length(1);
      }
    }
  });

  it("documents every tus operation with its headers, GET /api/uploads/{id} included", () => {
    const collection = doc.paths["/api/uploads"];
    const upload = doc.paths["/api/uploads/{id}"];
    expect(Object.keys(collection)).to.have.members(["options", "post"]);
    expect(Object.keys(upload)).to.have.members(["head", "patch", "delete", "get", "post"]);
    expect(collection.options.responses["204"].headers).to.include.keys("Tus-Version", "Tus-Extension", "Tus-Max-Size", "Tus-Resumable");
    expect(collection.post.responses["201"].headers).to.include.keys("Location", "Tus-Resumable", "Upload-Expires");
    expect(upload.head.responses["200"].headers).to.include.keys("Upload-Offset", "Upload-Length", "Tus-Resumable");
    expect(upload.patch.responses["204"].headers).to.include.keys("Upload-Offset", "Tus-Resumable");
    expect(upload.patch.responses).to.include.keys("409", "410", "412", "413", "415");
    for (const method of ["get", "post"]) {
      const op = upload[method];
      const override = op.parameters?.find((p) => p.name === "X-HTTP-Method-Override");
      expect(override, method).to.include({ in: "header", required: true });
      expect(override?.schema?.enum).to.deep.equal(["HEAD", "PATCH", "DELETE"]);
      // Standing for HEAD, PATCH or DELETE, it answers what they answer; without the override, 405.
      expect(op.responses, method).to.include.keys("200", "204", "404", "409", "412");
      expect(op.responses["405"].headers, method).to.have.property("Allow");
    }
  });

  it("documents what a route's own declaration implies: ranges on downloads, ETag and 412 with If-Match, 409 for a claimed upload", () => {
    for (const path of ["/api/documents/{id}/content", "/api/documents/{id}/attachments/{attachmentId}/content"]) {
      const op = doc.paths[path].get;
      expect(op.responses, path).to.include.keys("200", "206", "304", "416");
      expect(op.responses["200"].headers, path).to.include.keys("Content-Disposition", "ETag");
      expect(op.responses["206"].headers, path).to.have.property("Content-Range");
      expect(
        op.parameters?.map((p) => p.name),
        path,
      ).to.include.members(["Range", "If-None-Match"]);
    }
    for (const path of ["/api/documents/{id}", "/api/cases/{id}"]) {
      const op = doc.paths[path].patch;
      expect(
        op.parameters?.find((p) => p.name === "If-Match"),
        path,
      ).to.include({ in: "header" });
      expect(op.responses["200"].headers, path).to.have.property("ETag");
      expect(op.responses["412"], path).to.be.an("object");
    }
    for (const path of [
      "/api/documents",
      "/api/documents/{id}/versions",
      "/api/documents/{id}/attachments",
      "/api/documents/{id}/attachments/{attachmentId}/versions",
    ]) {
      expect(doc.paths[path].post.responses["409"]?.description, path).to.contain("upload_claimed").and.contain("upload_incomplete");
    }
  });

  it("derives a new route's sign-in, admin, validation, body and If-Match answers from its declaration alone", () => {
    const def = route({
      method: "patch",
      path: "/api/widgets/:id",
      tag: "admin",
      summary: "Change a widget",
      auth: "admin",
      params: z.object({ id: z.string() }),
      body: z.object({ name: z.string() }),
      headers: { "If-Match": "The ETag last seen" },
      responses: { 200: { description: "The widget" }, 404: { description: "No such widget" } },
      handle: async () => ({}),
    });
    const op = openApiDocument([def], PUBLIC_URL).paths["/api/widgets/{id}"].patch as unknown as Operation;
    expect(Object.keys(op.responses)).to.deep.equal(["200", "400", "401", "403", "404", "412", "413", "415", "429"]);
    expect(op.responses["200"].headers).to.have.property("ETag");
    expect(op.responses["200"].content).to.have.property("application/json");
    expect(op.responses["400"].description).to.contain("invalid_request").and.contain("malformed_json").and.contain("malformed_path");
    expect(op.responses["401"].headers).to.have.property("WWW-Authenticate");
    expect(op.operationId).to.equal("patchApiWidgetsId");
  });

  describe("what the service answers", () => {
    // Requests against every documented operation, without a token, with the wrong parameters and bodies,
    // as a caseworker and as an administrator, and finally with a bad token: each answer must be one the
    // document names for that operation, with the body it describes.
    const undocumented: string[] = [];
    const seen: Array<{ name: string; status: number }> = [];
    const unlisted: Array<{ name: string; status: number }> = [];
    const missingHeader: string[] = [];
    let uploadId: string;
    // Real things to point at, so that successes and conditional answers are reached too.
    const real: Record<string, string> = {};

    const fill = (path: string, value: (param: string) => string) => path.replace(/\{(\w+)\}/g, (_, p: string) => value(p));
    const existing = (path: string) => (param: string) => {
      if (param === "attachmentId") return real.attachment;
      if (param !== "id") return "x";
      if (path.startsWith("/api/uploads")) return uploadId;
      if (path.startsWith("/api/documents")) return real.document;
      if (path.startsWith("/api/cases")) return real.case;
      return "x";
    };
    // A request as a tus client sends it: every tus header the operation names, with a value that fits.
    const tusValues: Record<string, string> = {
      "Tus-Resumable": "1.0.0",
      "Upload-Length": "10",
      "Upload-Offset": "0",
      "Upload-Metadata": `filename ${Buffer.from("probe.txt").toString("base64")}`,
    };
    const tusHeaders = (op: Operation) =>
      Object.fromEntries((op.parameters ?? []).filter((p) => p.in === "header" && p.name in tusValues).map((p) => [p.name, tusValues[p.name]]));

    async function probe(
      name: string,
      op: Operation,
      method: string,
      url: string,
      init: { token?: string; headers?: Record<string, string>; body?: string },
      why: string,
    ) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      const res = await send(svc.url, method, url, headers, init.body);
      const body = res.body;
      seen.push({ name, status: res.status });
      const documented = op.responses[String(res.status)];
      const where = `${name} (${why}): ${res.status}`;
      if (!documented) {
        undocumented.push(`${where} is not documented (${body.slice(0, 160)})`);
        return;
      }
      const type = (res.headers["content-type"] ?? "").split(";")[0];
      const described = Object.keys(documented.content ?? {});
      if (body.length > 0 && !described.includes(type) && !described.includes("*/*"))
        undocumented.push(`${where} is ${type}, documented as ${described.join(", ") || "no body"}`);
      if (body.length === 0 && method !== "head" && res.status >= 400) undocumented.push(`${where} has no problem body`);
      // The headers the document promises on every refusal of a sign-in.
      if (res.status === 429 && !res.headers["retry-after"]) missingHeader.push(`${where} without Retry-After`);
      if (res.status === 401 && !res.headers["www-authenticate"]) missingHeader.push(`${where} without WWW-Authenticate`);
    }

    async function probeAll(token: string | undefined, why: string) {
      for (const { path, method, op, name } of operations()) {
        const onUpload = path.startsWith("/api/uploads");
        const url = fill(path, existing(path));
        const headers = onUpload ? tusHeaders(op) : {};
        await probe(name, op, method, url, { token, headers }, why);
        if (path.includes("{"))
          await probe(
            name,
            op,
            method,
            fill(path, () => "x"),
            { token, headers },
            `${why}, unknown ids`,
          );
        if ("206" in op.responses) {
          const etag = String((await send(svc.url, "get", url, token ? { Authorization: `Bearer ${token}` } : {})).headers.etag ?? '"none"');
          await probe(name, op, method, url, { token, headers: { Range: "bytes=0-1" } }, `${why}, a range`);
          await probe(name, op, method, url, { token, headers: { Range: "bytes=999999-" } }, `${why}, a range past the end`);
          await probe(name, op, method, url, { token, headers: { "If-None-Match": etag } }, `${why}, If-None-Match the current ETag`);
          await probe(name, op, method, url, { token, headers: { "If-Match": '"another"' } }, `${why}, If-Match another ETag`);
        }
        if (path.includes("{") && !onUpload)
          await probe(
            name,
            op,
            method,
            fill(path, () => "%ff"),
            { token },
            `${why}, bad percent-encoding`,
          );
        if (op.parameters?.some((p) => p.name === "If-Match")) {
          await probe(
            name,
            op,
            method,
            url,
            { token, headers: { "If-Match": '"stale"', "Content-Type": "application/json" }, body: "{}" },
            `${why}, a stale If-Match`,
          );
        }
        if (op.parameters?.some((p) => p.in === "query")) {
          const query = op.parameters.filter((p) => p.in === "query").map((p) => `${p.name}=${"9".repeat(1001)}`);
          await probe(name, op, method, `${url}?${query.join("&")}`, { token }, `${why}, query values out of range`);
        }
        const content = Object.keys(op.requestBody?.content ?? {});
        if (content.includes("application/json")) {
          await probe(name, op, method, url, { token, headers: { "Content-Type": "application/json" }, body: "{}" }, `${why}, empty JSON object`);
          await probe(name, op, method, url, { token, headers: { "Content-Type": "application/json" }, body: "{" }, `${why}, malformed JSON`);
          await probe(name, op, method, url, { token, headers: { "Content-Type": "application/json; charset=latin1" }, body: "{}" }, `${why}, JSON in latin1`);
        }
        if (content.length) await probe(name, op, method, url, { token, headers: { "Content-Type": "text/plain" }, body: "x" }, `${why}, text/plain body`);
        if (content.includes("multipart/form-data")) {
          const parts = [
            "--b",
            'Content-Disposition: form-data; name="metadata"',
            "",
            "{}",
            "--b",
            'Content-Disposition: form-data; name="extra"',
            "",
            "x",
            "--b--",
            "",
          ].join("\r\n");
          await probe(name, op, method, url, { token, headers: { "Content-Type": "multipart/form-data; boundary=b" }, body: parts }, `${why}, an extra part`);
        }
        if (content.includes("application/offset+octet-stream")) {
          const slice = { ...headers, "Content-Type": "application/offset+octet-stream" };
          await probe(name, op, method, url, { token, headers: { ...slice, "Upload-Offset": "3" }, body: "abc" }, `${why}, a slice at the wrong offset`);
          await probe(name, op, method, url, { token, headers: { ...slice, "Upload-Offset": "0" }, body: "abc" }, `${why}, a slice`);
        }
        if (onUpload && method !== "options") await probe(name, op, method, url, { token }, `${why}, no tus headers`);
      }
      for (const override of ["HEAD", "PATCH", "DELETE", "PUT"]) {
        for (const method of ["get", "post"]) {
          const headers = { "Tus-Resumable": "1.0.0", "X-HTTP-Method-Override": override };
          await probe(
            `${method.toUpperCase()} /api/uploads/{id}`,
            doc.paths["/api/uploads/{id}"][method],
            method,
            `/api/uploads/${uploadId}`,
            { token, headers },
            `${why}, override ${override}`,
          );
        }
      }
      // The upload was abandoned by DELETE: the next round starts a new one.
      uploadId = (await tusClient(svc.url, w.tokens.alice).create(10, "probe.txt")).id;
    }

    before(async function () {
      this.timeout(120_000);
      uploadId = (await tusClient(svc.url, w.tokens.alice).create(10, "probe.txt")).id;
      const auth = { Authorization: `Bearer ${w.tokens.alice}` };
      const created = await fetch(`${svc.url}/api/cases`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ templateId: w.templates.pupil, title: "Elev 9", metadata: { elevnummer: "E-9" } }),
      });
      real.case = (await created.json()).id;
      const form = new FormData();
      form.append("metadata", JSON.stringify({ caseId: real.case, documentTypeId: w.types.pupil, title: "Probe", attachments: [{ title: "Bilag" }] }));
      form.append("file", new Blob(["the probe's content"], { type: "text/plain" }), "probe.txt");
      form.append("attachment", new Blob(["an attachment"], { type: "text/plain" }), "bilag.txt");
      const saved = await (await fetch(`${svc.url}/api/documents`, { method: "POST", headers: auth, body: form })).json();
      real.document = saved.id;
      real.attachment = saved.attachments[0].id;
      await probeAll(undefined, "no token");
      await probeAll(w.tokens.alice, "a caseworker");
      await probeAll(w.tokens.erik, "an external partner");
      await probeAll(ADMIN_TOKEN, "an administrator");
      // A raw upload cannot be downloaded: its owner's plain GET is the 405 (anyone else's is a 404).
      const own = (await tusClient(svc.url, w.tokens.alice).create(10, "probe.txt")).id;
      const plainGet = { token: w.tokens.alice, headers: { "Tus-Resumable": "1.0.0" } };
      await probe(
        "GET /api/uploads/{id}",
        doc.paths["/api/uploads/{id}"].get,
        "get",
        `/api/uploads/${own}`,
        plainGet,
        "a caseworker, her own upload without an override",
      );
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of ["get", "put", "post", "delete", "patch"].filter((m) => !(m in ops))) {
          const url = fill(path, (p) => (p === "id" && path.startsWith("/api/uploads") ? uploadId : "x"));
          const res = await send(svc.url, method, url, { Authorization: `Bearer ${ADMIN_TOKEN}`, "Tus-Resumable": "1.0.0" });
          unlisted.push({ name: `${method.toUpperCase()} ${path}`, status: res.status });
        }
      }
      // Last, since bad tokens get the address throttled: the 429s must be documented too.
      await probeAll("not-a-token", "a bad token");
    });

    it("answers only what the document names for each operation, with the body it describes", () => {
      expect(seen.length).to.be.greaterThan(1000);
      expect(undocumented, undocumented.join("\n")).to.deep.equal([]);
    });

    it("sends WWW-Authenticate with every 401 and Retry-After with every 429, as documented", () => {
      expect(seen.filter((s) => s.status === 401 || s.status === 429).length).to.be.greaterThan(100);
      expect(missingHeader, missingHeader.slice(0, 20).join("\n")).to.deep.equal([]);
    });

    it("answers no method the document leaves out with a success (HEAD and OPTIONS are Express's own)", () => {
      expect(unlisted.length).to.be.greaterThan(100);
      // (PATCH /api/cases/suggest is PATCH /api/cases/{id} with the id "suggest": refused, but not a 404.)
      expect(unlisted.filter((u) => u.status < 400).map((u) => `${u.name}: ${u.status}`)).to.deep.equal([]);
      expect(unlisted.filter((u) => u.status === 405).length).to.be.greaterThan(0);
    });

    it("reached successes and refusals of every kind, throttling included", () => {
      const statuses = new Set(seen.map((s) => s.status));
      expect([...statuses]).to.include.members([200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409, 412, 415, 416, 429]);
    });
  });
});
