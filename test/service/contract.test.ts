import express from "express";
import { expect } from "chai";
import { pino } from "pino";
import sinon from "sinon";
import request from "supertest";
import { z } from "zod";
import { openApiDocument } from "../../service/http/openapi.ts";
import { problemHandler } from "../../service/http/problem.ts";
import { mountRoutes, Reply, route, type AnyRoute } from "../../service/http/route.ts";
import { startTestService, type TestService } from "../support/service.ts";

interface Answer {
  content?: Record<string, { schema?: Record<string, unknown> }>;
}

/** A JSON schema that says nothing about the body: what the document had before responses had schemas. */
const isPlaceholder = (schema: Record<string, unknown> | undefined) =>
  !schema || (schema.type === "object" && !schema.properties && !schema.additionalProperties && !schema.$ref) || Object.keys(schema).length === 0;

/** A service with one route, its answers checked against their schemas or not. */
function serviceWith(def: AnyRoute, validateResponses: boolean) {
  const app = express();
  const router = express.Router();
  mountRoutes(router, [def], { validateResponses });
  app.use(router);
  app.use(problemHandler(pino({ level: "silent" })));
  return app;
}

const Greeting = z.strictObject({ id: z.string(), words: z.number() });

describe("the API contract", () => {
  let svc: TestService;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, Answer> }>> };

  before(async () => {
    svc = await startTestService();
    doc = await (await fetch(`${svc.url}/api/openapi.json`)).json();
  });
  after(() => svc.dispose());

  it("gives every JSON success of every route a schema in the OpenAPI document, never a bare object", () => {
    const successes: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path.startsWith("/api/uploads")) continue; // tus: defined by its protocol, no JSON successes
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          if (!status.startsWith("2")) continue;
          for (const [type, media] of Object.entries(answer.content ?? {})) {
            if (!/json$/.test(type)) continue;
            successes.push(`${method} ${path} ${status}`);
            expect(isPlaceholder(media.schema), `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(media.schema)}`).to.equal(false);
          }
        }
      }
    }
    // Reference data, cases, documents, mail, audit, admin and the service's own: well over fifty.
    expect(successes.length).to.be.greaterThan(50);
  });

  it("runs the test service with every answer checked against its schema", () => {
    expect(svc.config.validateResponses).to.equal(true);
  });

  it("answers 500 naming the drift, and logs it, when a route answers what its schema refuses", async () => {
    const drifted = route({
      method: "get",
      path: "/greeting",
      tag: "service",
      summary: "A greeting",
      auth: "none",
      responses: { 200: { description: "The greeting", schema: Greeting } },
      handle: async () => ({ id: "g1", words: "three", extra: true }),
    });
    const logged = sinon.stub(console, "error");
    try {
      const res = await request(serviceWith(drifted, true)).get("/greeting");
      expect(res.status).to.equal(500);
      expect(res.body.code).to.equal("response_contract_broken");
      expect(res.body.detail).to.contain("GET /greeting answered 200").and.contain("words").and.contain("extra");
      expect(logged.calledOnce).to.equal(true);
    } finally {
      logged.restore();
    }
  });

  it("sends the same answer unchecked in production", async () => {
    const drifted = route({
      method: "get",
      path: "/greeting",
      tag: "service",
      summary: "A greeting",
      auth: "none",
      responses: { 200: { description: "The greeting", schema: Greeting } },
      handle: async () => ({ id: "g1", words: "three" }),
    });
    const res = await request(serviceWith(drifted, false)).get("/greeting");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ id: "g1", words: "three" });
  });

  it("checks a reply with another status against that status's schema, and refuses a JSON success that has none", async () => {
    const replies = (status: number, body: unknown) =>
      route({
        method: "post",
        path: "/greeting",
        tag: "service",
        summary: "Make a greeting",
        auth: "none",
        responses: { 201: { description: "Made", schema: Greeting }, 200: { description: "Made before" } },
        handle: async () => new Reply(status, body),
      });
    const logged = sinon.stub(console, "error");
    try {
      expect((await request(serviceWith(replies(201, { id: "g1", words: 3 }), true)).post("/greeting")).status).to.equal(201);
      expect((await request(serviceWith(replies(201, { id: "g1" }), true)).post("/greeting")).status).to.equal(500);
      const undeclared = await request(serviceWith(replies(200, { id: "g1", words: 3 }), true)).post("/greeting");
      expect(undeclared.status).to.equal(500);
      expect(undeclared.body.detail).to.contain("declares no schema");
      const unknownStatus = await request(serviceWith(replies(202, { id: "g1", words: 3 }), true)).post("/greeting");
      expect(unknownStatus.body.detail).to.contain("does not declare");
    } finally {
      logged.restore();
    }
  });

  it("documents a declared response schema as the JSON schema of that answer", () => {
    const greeting = route({
      method: "get",
      path: "/api/greeting",
      tag: "service",
      summary: "A greeting",
      auth: "none",
      responses: { 200: { description: "The greeting", schema: Greeting } },
      handle: async () => ({ id: "g1", words: 3 }),
    });
    const documented = openApiDocument([greeting], "https://arkiv.kommune.dk").paths["/api/greeting"].get as { responses: Record<string, Answer> };
    const schema = documented.responses["200"].content?.["application/json"].schema;
    expect(schema).to.include({ type: "object", additionalProperties: false });
    expect(schema?.properties).to.have.keys("id", "words");
  });
});
