import { expect } from "chai";
import { parse as parseContentDisposition } from "content-disposition";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import request from "supertest";
import { binary } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const BOUNDARY = "----ims-case-test-boundary-7f3a";

interface FormPart {
  name: string;
  /** Written into the part header as is (UTF-8), so tests control exactly what a client sends. */
  filename?: string;
  filenameStar?: string;
  contentType?: string;
  body: string | Buffer;
}

/** A multipart/form-data body built by hand, so it can be wrong in exactly the way a test needs. */
function formBody(parts: FormPart[], { boundary = BOUNDARY, closed = true } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let disposition = `form-data; name="${p.name}"`;
    if (p.filename !== undefined) disposition += `; filename="${p.filename}"`;
    if (p.filenameStar !== undefined) disposition += `; filename*=${p.filenameStar}`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`];
    if (p.contentType) head.push(`Content-Type: ${p.contentType}`);
    chunks.push(Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "utf8"), Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body, "utf8"), Buffer.from("\r\n"));
  }
  if (closed) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const metadataPart = (metadata: unknown): FormPart => ({
  name: "metadata",
  body: typeof metadata === "string" ? metadata : JSON.stringify(metadata),
  contentType: "application/json",
});
/** Content no earlier request stored, so a leaked blob would show up as a new file. */
const filePart = (filename = "Notat.txt", body: Buffer = randomBytes(4096)): FormPart => ({
  name: "file",
  filename,
  contentType: "application/octet-stream",
  body,
});

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
  expect(res.body.code).to.equal(code);
  expect(res.body.status).to.equal(status);
  expect(res.body.detail).to.be.a("string").with.length.greaterThan(10);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe("bad input", () => {
  let svc: TestService;
  let w: World;
  let caseId: string;
  let docId: string;

  before(async () => {
    svc = await startTestService({ MAX_UPLOAD_MB: "1" });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const c = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Elev 12", metadata: { elevnummer: "E-12" } })
      .expect(201);
    caseId = c.body.id;
    const d = await sendForm(formBody([metadataPart({ documentTypeId: w.types.pupil, caseId }), filePart("Elevplan.txt", Buffer.from("Elevplan\n"))]));
    expect(d.status).to.equal(201);
    docId = d.body.id;
  });
  after(() => svc.dispose());

  function sendForm(body: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`, headers: Record<string, string> = {}) {
    const req = request(svc.url).post("/api/documents").auth(w.tokens.alice, { type: "bearer" }).set("Content-Type", contentType);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(body);
  }

  async function stored() {
    const count = async (table: "versions" | "documents" | "attachments" | "cases") =>
      Number(
        (
          await svc.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      versions: await count("versions"),
      documents: await count("documents"),
      attachments: await count("attachments"),
      cases: await count("cases"),
      blobs: filesUnder(svc.config.blobDir),
      tmp: filesUnder(path.join(svc.dataDir, "tmp")),
    };
  }

  /** Runs a refused request and checks that no version, document, blob or temporary file was left behind. */
  async function refusedAndNothingStored(send: () => Promise<request.Response>, status: number, code: string): Promise<request.Response> {
    const before = await stored();
    const res = await send();
    expectProblem(res, status, code);
    const after = await stored();
    expect(after.versions, "versions").to.equal(before.versions);
    expect(after.documents, "documents").to.equal(before.documents);
    expect(after.attachments, "attachments").to.equal(before.attachments);
    expect(after.cases, "cases").to.equal(before.cases);
    expect(after.blobs, "blobs").to.deep.equal(before.blobs);
    expect(after.tmp, "temporary files").to.deep.equal([]);
    return res;
  }

  const valid = () => ({ documentTypeId: w.types.pupil, caseId });

  describe("malformed multipart", () => {
    it("a multipart body without a boundary is refused and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart(valid()), filePart()]), "multipart/form-data"), 400, "malformed_multipart");
    });

    it("a body whose boundary does not match the header is refused and nothing is stored", async () => {
      await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart(valid()), filePart()], { boundary: "some-other-boundary" })),
        400,
        "malformed_multipart",
      );
    });

    it("a body cut off in the middle of the file is refused and nothing is stored", async () => {
      const whole = formBody([metadataPart(valid()), filePart("Notat.txt", randomBytes(200_000))]);
      await refusedAndNothingStored(() => sendForm(whole.subarray(0, 100_000)), 400, "malformed_multipart");
    });

    it("a body that ends without its closing boundary is refused and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart(valid()), filePart()], { closed: false })), 400, "malformed_multipart");
    });

    it("a body that is not multipart at all is refused with 415", async () => {
      await refusedAndNothingStored(() => sendForm(Buffer.from("just some bytes"), "text/plain"), 415, "multipart_required");
    });
  });

  describe("the metadata part", () => {
    it("a file without any metadata part is refused and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([filePart()])), 400, "metadata_first");
    });

    it("an empty form (no metadata, no file) is refused", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([])), 400, "missing_metadata");
    });

    it("metadata without a file is refused and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart(valid())])), 400, "missing_file");
    });

    it("metadata sent after the file is refused before the file is kept", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([filePart(), metadataPart(valid())])), 400, "metadata_first");
    });

    it("a second metadata part is refused with unknown_part and nothing is stored", async () => {
      await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart(valid()), metadataPart({ ...valid(), title: "Anden" }), filePart()])),
        400,
        "unknown_part",
      );
    });

    it("a refused part ahead of a good metadata part and a large file is answered at once, and nothing is stored", async () => {
      // The file's part came after the refusal, so its body is never read: it must not be waited for.
      const misnamed: FormPart = { name: "metadata", filename: "Budget 2024.xlsx", contentType: "application/octet-stream", body: "" };
      await refusedAndNothingStored(
        () => sendForm(formBody([misnamed, metadataPart(valid()), filePart("Notat.txt", randomBytes(900_000))])),
        400,
        "unknown_part",
      );
    });

    it("an extra form field beside metadata is refused with unknown_part and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart(valid()), { name: "comment", body: "hej" }, filePart()])), 400, "unknown_part");
      await refusedAndNothingStored(() => sendForm(formBody([{ name: "comment", body: "hej" }, metadataPart(valid()), filePart()])), 400, "unknown_part");
    });

    it("a new version may be sent as a file part alone, without metadata", async () => {
      const current = await request(svc.url).get(`/api/documents/${docId}`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
      const res = await request(svc.url)
        .post(`/api/documents/${docId}/versions`)
        .auth(w.tokens.alice, { type: "bearer" })
        .set("If-Match", current.headers.etag)
        .set("Content-Type", `multipart/form-data; boundary=${BOUNDARY}`)
        .send(formBody([filePart("Elevplan.txt", Buffer.from("Elevplan, rettet\n"))]));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const doc = await request(svc.url).get(`/api/documents/${docId}`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
      expect(doc.body.currentVersion.version).to.equal("1.1");
      expect(doc.body.currentVersion.size).to.equal(Buffer.byteLength("Elevplan, rettet\n"));
    });

    it("a version's metadata sent after its file is refused before the file is kept", async () => {
      await refusedAndNothingStored(
        () =>
          request(svc.url)
            .post(`/api/documents/${docId}/versions`)
            .auth(w.tokens.alice, { type: "bearer" })
            .set("Content-Type", `multipart/form-data; boundary=${BOUNDARY}`)
            .send(formBody([filePart(), metadataPart({ comment: "for sent" })])),
        400,
        "unknown_part",
      );
    });

    it("metadata that is not JSON is refused and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart("{documentTypeId: nope"), filePart()])), 400, "malformed_metadata");
    });

    it("metadata missing the document type names the missing field", async () => {
      const res = await refusedAndNothingStored(() => sendForm(formBody([metadataPart({ caseId }), filePart()])), 400, "invalid_request");
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("metadata.documentTypeId");
    });

    it("an unknown metadata field is refused (the schema is strict) and named in the detail", async () => {
      const res = await refusedAndNothingStored(() => sendForm(formBody([metadataPart({ ...valid(), colour: "red" }), filePart()])), 400, "invalid_request");
      expect(res.body.detail).to.contain("colour");
    });

    it("metadata fields of the wrong type are each reported with their path", async () => {
      const res = await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart({ documentTypeId: 42, caseId: true, status: "finished", documentDate: "31-12-2025" }), filePart()])),
        400,
        "invalid_request",
      );
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include.members([
        "metadata.documentTypeId",
        "metadata.caseId",
        "metadata.status",
        "metadata.documentDate",
      ]);
    });

    it("an unknown document type is refused with 422 and nothing is stored", async () => {
      await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart({ documentTypeId: "no-such-type", caseId }), filePart()])),
        422,
        "unknown_document_type",
      );
    });

    it("an unknown case is answered 404 and nothing is stored", async () => {
      await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart({ documentTypeId: w.types.pupil, caseId: "no-such-case" }), filePart()])),
        404,
        "not_found",
      );
    });

    it("a document type the case's template does not allow is refused with 422 and nothing is stored", async () => {
      const res = await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart({ documentTypeId: w.types.minutes, caseId }), filePart()])),
        422,
        "document_type_not_allowed",
      );
      expect(res.body.detail).to.contain("Bestyrelsesreferat");
    });
  });

  describe("size", () => {
    it("a 2 MB file against a 1 MB limit is refused with 413 and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart(valid()), filePart("Stor.bin", randomBytes(2 * 1024 * 1024))])), 413, "too_large");
    });

    it("a 2 MB file streamed without a Content-Length is cut off at the limit with 413 and nothing is stored", async () => {
      const body = formBody([metadataPart(valid()), filePart("Stor.bin", randomBytes(2 * 1024 * 1024))]);
      await refusedAndNothingStored(() => sendChunked(body), 413, "too_large");
    });
  });

  /** Streams a body with Transfer-Encoding: chunked, so the service only learns its size while reading. */
  function sendChunked(body: Buffer): Promise<request.Response> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${svc.url}/api/documents`, {
        method: "POST",
        headers: { Authorization: `Bearer ${w.tokens.alice}`, "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`, "Transfer-Encoding": "chunked" },
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text), text } as unknown as request.Response);
        });
      });
      req.on("error", reject);
      let offset = 0;
      const writeMore = () => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + 64 * 1024);
          offset += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", writeMore);
        }
        req.end();
      };
      writeMore();
    });
  }

  describe("filenames", () => {
    /** Saves a file sent with this name; the answer's version says what it is stored as. */
    const savedAs = async (part: Record<string, unknown>) => {
      const res = await sendForm(formBody([metadataPart(valid()), { ...filePart(), ...part }]));
      expect(res.status, res.text).to.equal(201);
      const { filename, originalFilename } = res.body.currentVersion as { filename: string; originalFilename: string | null };
      return { filename, originalFilename };
    };

    it("a filename with path parts (../../etc/passwd) is saved under a name without them, the name as sent kept", async () => {
      expect(await savedAs({ filename: "../../etc/passwd" })).to.deep.equal({ filename: "-..-etc-passwd", originalFilename: "../../etc/passwd" });
    });

    it("a filename with Windows path parts (..\\..\\x) is saved under a name without them", async () => {
      // As a browser sends it (backslashes as they are), and quoted-string escaped.
      for (const sent of ["..\\..\\x", "..\\\\..\\\\x"]) {
        const v = await savedAs({ filename: sent });
        expect(v.filename).not.to.match(/[\\/]/);
        expect(v.originalFilename).to.equal("..\\..\\x");
      }
    });

    it("a filename with control characters is saved without them", async () => {
      expect(await savedAs({ filename: "rapport\tjuni.txt" })).to.deep.equal({ filename: "rapport juni.txt", originalFilename: "rapport\tjuni.txt" });
      expect(await savedAs({ filename: undefined, filenameStar: "UTF-8''rapport%07%0Ajuni.txt" })).to.deep.equal({
        filename: "rapport juni.txt",
        originalFilename: "rapport\u0007\njuni.txt",
      });
    });

    it("a good file followed by an attachment with a path in its name saves both, the attachment under a safe name", async () => {
      const res = await sendForm(
        formBody([
          metadataPart({ ...valid(), attachments: [{ title: "Bilag" }] }),
          filePart("Brev.txt", randomBytes(300_000)),
          { ...filePart("../bilag.pdf"), name: "attachment" },
        ]),
      );
      expect(res.status, res.text).to.equal(201);
      expect(res.body.attachments[0].versions[0]).to.include({ filename: "-bilag.pdf", originalFilename: "../bilag.pdf" });
    });

    it("a file part without a filename is refused and nothing is stored", async () => {
      await refusedAndNothingStored(() => sendForm(formBody([metadataPart(valid()), { ...filePart(), filename: "" }])), 400, "missing_filename");
    });

    it("a name with æøå and quotes is kept and comes back in Content-Disposition (RFC 5987 filename*)", async () => {
      const name = 'Budget "juni" æøå.docx';
      const content = randomBytes(1000);
      // Browsers send a quote in a filename as %22 (WHATWG form-data encoding).
      const res = await sendForm(formBody([metadataPart(valid()), filePart(name.replaceAll('"', "%22"), content)]));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.title).to.equal('Budget "juni" æøå');
      expect(res.body.currentVersion.filename).to.equal(name);
      const dl = await request(svc.url).get(`/api/documents/${res.body.id}/content`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
      const header = dl.headers["content-disposition"];
      expect(header).to.contain("filename*=UTF-8''Budget%20%22juni%22%20%C3%A6%C3%B8%C3%A5.docx");
      expect(parseContentDisposition(header)).to.deep.include({ type: "attachment" });
      expect(parseContentDisposition(header).parameters.filename).to.equal(name);
    });

    it("the same name sent as RFC 5987 filename* is kept the same way", async () => {
      const name = 'Budget "juni" æøå.docx';
      const res = await sendForm(formBody([metadataPart(valid()), { ...filePart(), filename: undefined, filenameStar: `UTF-8''${encodeURIComponent(name)}` }]));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.currentVersion.filename).to.equal(name);
    });
  });

  describe("headers, JSON bodies and queries", () => {
    it("an invalid Idempotency-Key is refused and nothing is stored", async () => {
      await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart(valid()), filePart()]), undefined, { "Idempotency-Key": "has spaces in it" }),
        400,
        "invalid_idempotency_key",
      );
      await refusedAndNothingStored(
        () => sendForm(formBody([metadataPart(valid()), filePart()]), undefined, { "Idempotency-Key": "short" }),
        400,
        "invalid_idempotency_key",
      );
    });

    it("a body that is not JSON on a JSON route is refused with malformed_json", async () => {
      await refusedAndNothingStored(
        () => request(svc.url).post("/api/cases").auth(w.tokens.alice, { type: "bearer" }).set("Content-Type", "application/json").send('{"templateId": '),
        400,
        "malformed_json",
      );
      await refusedAndNothingStored(
        () =>
          request(svc.url).patch(`/api/documents/${docId}`).auth(w.tokens.alice, { type: "bearer" }).set("Content-Type", "application/json").send("title=Ny"),
        400,
        "malformed_json",
      );
    });

    it("a case without a required template field is refused with the field's path", async () => {
      const res = await refusedAndNothingStored(
        () =>
          request(svc.url)
            .post("/api/cases")
            .auth(w.tokens.alice, { type: "bearer" })
            .send({ templateId: w.templates.pupil, title: "Elev uden nummer", metadata: { klasse: "1.a" } }),
        400,
        "invalid_request",
      );
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("metadata.elevnummer");
    });

    it("a case with a template field of the wrong kind is refused with the field's path", async () => {
      const res = await refusedAndNothingStored(
        () =>
          request(svc.url)
            .post("/api/cases")
            .auth(w.tokens.alice, { type: "bearer" })
            .send({ templateId: w.templates.pupil, title: "Elev 13", metadata: { elevnummer: "E-13", klasse: "9.z" } }),
        400,
        "invalid_request",
      );
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("metadata.klasse");
    });

    it("a cursor this service did not hand out is refused with invalid_cursor", async () => {
      for (const url of [
        "/api/documents?cursor=not-a-cursor",
        "/api/cases?cursor=W10",
        `/api/audit?objectType=document&objectId=${docId}&cursor=not-a-cursor`,
      ]) {
        const res = await request(svc.url).get(url).auth(w.tokens.alice, { type: "bearer" });
        expectProblem(res, 400, "invalid_cursor");
      }
    });

    it("an unknown route is answered 404 as problem+json", async () => {
      expectProblem(await request(svc.url).get("/api/no-such-thing").auth(w.tokens.alice, { type: "bearer" }), 404, "not_found");
      expectProblem(await request(svc.url).post("/api/documents/x/y/z").auth(w.tokens.alice, { type: "bearer" }), 404, "not_found");
    });

    it("a version label that is not a version number is refused with 400", async () => {
      const res = await request(svc.url).get(`/api/documents/${docId}/content?version=latest`).auth(w.tokens.alice, { type: "bearer" });
      expectProblem(res, 400, "invalid_request");
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("query.version");
    });

    it("JSON in another charset than UTF-8 is refused with 415, not 500, and nothing is stored", async () => {
      const body = JSON.stringify({ templateId: w.templates.pupil, title: "Elev æ", metadata: { elevnummer: "E-14" } });
      for (const charset of ["latin1", "iso-8859-1", "windows-1252"]) {
        await refusedAndNothingStored(
          () =>
            request(svc.url).post("/api/cases").auth(w.tokens.alice, { type: "bearer" }).set("Content-Type", `application/json; charset=${charset}`).send(body),
          415,
          "unsupported_charset",
        );
      }
    });

    it("a JSON route given a body of another media type is refused with 415 and nothing is stored", async () => {
      const body = JSON.stringify({ templateId: w.templates.pupil, title: "Elev 15", metadata: { elevnummer: "E-15" } });
      await refusedAndNothingStored(
        () => request(svc.url).post("/api/cases").auth(w.tokens.alice, { type: "bearer" }).set("Content-Type", "text/plain").send(body),
        415,
        "unsupported_media_type",
      );
    });

    it("an address with bad percent-encoding is refused with 400, not 500", async () => {
      for (const url of ["/api/cases/%ff", "/api/documents/%E0%A4%A", `/api/documents/${docId}/attachments/%c0%af/content`]) {
        expectProblem(await request(svc.url).get(url).auth(w.tokens.alice, { type: "bearer" }), 400, "malformed_path");
      }
    });

    it("a Range outside the content is answered 416 with the content's size, not 500", async () => {
      const res = await request(svc.url).get(`/api/documents/${docId}/content`).auth(w.tokens.alice, { type: "bearer" }).set("Range", "bytes=999999-");
      expectProblem(res, 416, "range_not_satisfiable");
      const doc = await request(svc.url).get(`/api/documents/${docId}`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
      expect(res.headers["content-range"]).to.equal(`bytes */${doc.body.currentVersion.size}`);
      const ok = await request(svc.url)
        .get(`/api/documents/${docId}/content`)
        .auth(w.tokens.alice, { type: "bearer" })
        .set("Range", "bytes=0-3")
        .buffer(true)
        .parse(binary);
      expect(ok.status).to.equal(206);
      expect((ok.body as Buffer).toString("utf8")).to.equal("Elev");
    });

    it("a well-formed version that does not exist is answered 404", async () => {
      expectProblem(await request(svc.url).get(`/api/documents/${docId}/content?version=9.9`).auth(w.tokens.alice, { type: "bearer" }), 404, "not_found");
    });
  });
});
