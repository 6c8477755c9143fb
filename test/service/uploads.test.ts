import { expect } from "chai";
import fsp from "node:fs/promises";
import path from "node:path";
import request from "supertest";
import { corpus } from "../support/fixtures.ts";
import { bearer, binary, sha256, tusClient, type TusClient } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { isStored } from "../support/uploads.ts";
import { buildWorld, type World } from "../support/world.ts";

const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const SLICE = 256 * 1024;

describe("resumable uploads (tus)", () => {
  let svc: TestService;
  let w: World;
  let tus: TusClient;
  let caseId: string;
  const presentation = corpus("presentation-1mb.pptx");
  const word = corpus("complex-word-with-images-850kb.docx");
  const api = () => request(svc.url);
  const countDocuments = async () => (await svc.ctx.db.selectFrom("documents").select("id").execute()).length;
  const stored = (id: string) => isStored(svc.config, id);

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    tus = tusClient(svc.url, w.tokens.alice);
    caseId = (
      await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Elev 3", metadata: { elevnummer: "E-3" } })
        .expect(201)
    ).body.id;
  });
  after(() => svc.dispose());

  it("OPTIONS tells the protocol version, the extensions and the maximum size", async () => {
    const res = await tus.options();
    expect(res.status).to.be.oneOf([200, 204]);
    expect(res.headers.get("tus-version")).to.contain("1.0.0");
    expect(res.headers.get("tus-extension")).to.contain("creation").and.contain("termination");
    expect(Number(res.headers.get("tus-max-size"))).to.equal(svc.config.maxUploadBytes);
  });

  it("a file sent in slices, resumed after a broken connection, becomes a document with the same sha256", async () => {
    const { url, id, res } = await tus.create(presentation.length, "Præsentation — bestyrelse.pptx", PPTX);
    expect(res.status).to.equal(201);
    expect(res.headers.get("location")).to.equal(`/api/uploads/${id}`);
    expect(res.headers.get("tus-resumable")).to.equal("1.0.0");

    const head0 = await tus.head(url);
    expect(head0.status).to.equal(200);
    expect(head0.headers.get("upload-offset")).to.equal("0");
    expect(head0.headers.get("upload-length")).to.equal(String(presentation.length));
    expect(head0.headers.get("cache-control")).to.equal("no-store");

    // First slice whole.
    let r = await tus.patch(url, 0, presentation.subarray(0, SLICE));
    expect(r.status).to.equal(204);
    expect(r.headers.get("upload-offset")).to.equal(String(SLICE));
    expect((await tus.head(url)).headers.get("upload-offset")).to.equal(String(SLICE));

    // Second slice: the connection breaks after part of it arrived.
    const part = presentation.subarray(SLICE, SLICE + 100_000);
    const broken = tus.startPatch(url, SLICE, SLICE, part);
    // On disk, wait until the server has written some of the slice, so the cut lands in the middle of it and what arrived is
    // kept; the object store keeps a slice whole or not at all, so there the cut one is sent again from its start.
    const keepsPart = !svc.config.uploadsInS3;
    while (keepsPart && (await fsp.stat(path.join(svc.config.uploadDir, id)).catch(() => ({ size: 0 }))).size <= SLICE)
      await new Promise((resolve) => setImmediate(resolve));
    broken.cut();
    await broken.done;

    const head1 = await tus.head(url);
    const offset = Number(head1.headers.get("upload-offset"));
    if (keepsPart)
      expect(offset)
        .to.be.greaterThan(SLICE)
        .and.at.most(SLICE + part.length);
    else expect(offset).to.equal(SLICE);

    // A PATCH at the wrong offset is refused and changes nothing.
    const wrong = await tus.patch(url, offset - 1, presentation.subarray(offset - 1, offset + 9));
    expect(wrong.status).to.equal(409);
    expect((await tus.head(url)).headers.get("upload-offset")).to.equal(String(offset));

    // Resume from where the server says it is.
    for (let at = offset; at < presentation.length; at += SLICE) {
      r = await tus.patch(url, at, presentation.subarray(at, Math.min(at + SLICE, presentation.length)));
      expect(r.status, `PATCH at ${at}`).to.equal(204);
    }
    expect(r.headers.get("upload-offset")).to.equal(String(presentation.length));

    const before = await countDocuments();
    const saved = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .send({ upload: id, documentTypeId: w.types.pupil, caseId, comment: "gemt fra PowerPoint" })
      .expect(201);
    expect(saved.body.title).to.equal("Præsentation — bestyrelse");
    expect(saved.body.caseId).to.equal(caseId);
    expect(saved.body.currentVersion).to.include({
      version: "1.0",
      filename: "Præsentation — bestyrelse.pptx",
      mediaType: PPTX,
      size: presentation.length,
      sha256: sha256(presentation),
      comment: "gemt fra PowerPoint",
    });
    expect(await countDocuments()).to.equal(before + 1);
    const dl = await api().get(`/api/documents/${saved.body.id}/content`).auth(w.tokens.alice, bearer).buffer(true).parse(binary).expect(200);
    expect(sha256(dl.body)).to.equal(sha256(presentation));

    // The upload was consumed: it cannot be saved a second time, and its files are gone.
    const again = await api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload: id, documentTypeId: w.types.pupil, caseId }).expect(404);
    expect(again.body.code).to.equal("not_found");
    expect(await countDocuments()).to.equal(before + 1);
    expect(await stored(id)).to.equal(false);
    expect((await tus.head(url)).status).to.equal(404);
  });

  it("an unfinished upload cannot be saved yet, and can after it is finished", async () => {
    const { url, id } = await tus.create(word.length, "Indstillingsnotat.docx", DOCX);
    expect((await tus.patch(url, 0, word.subarray(0, SLICE))).status).to.equal(204);
    const before = await countDocuments();
    const res = await api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload: id, documentTypeId: w.types.pupil, caseId }).expect(409);
    expect(res.body.code).to.equal("upload_incomplete");
    expect(res.body.detail).to.contain(String(word.length));
    expect(await countDocuments()).to.equal(before);
    for (let at = SLICE; at < word.length; at += SLICE) expect((await tus.patch(url, at, word.subarray(at, at + SLICE))).status).to.equal(204);
    const saved = await api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload: id, documentTypeId: w.types.pupil, caseId }).expect(201);
    expect(saved.body.currentVersion.sha256).to.equal(sha256(word));
  });

  it("a client that cannot send HEAD asks for the offset with GET and X-HTTP-Method-Override (tus 1.0)", async () => {
    const { url } = await tus.create(word.length, "Indstillingsnotat.docx", DOCX);
    expect((await tus.patch(url, 0, word.subarray(0, 1000))).status).to.equal(204);
    const res = await fetch(url, {
      method: "GET",
      headers: { "Tus-Resumable": "1.0.0", "X-HTTP-Method-Override": "HEAD", Authorization: `Bearer ${w.tokens.alice}` },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get("upload-offset")).to.equal("1000");
    expect(res.headers.get("upload-length")).to.equal(String(word.length));
  });

  it("DELETE terminates an upload: it is gone and cannot be resumed or saved", async () => {
    const { url, id } = await tus.create(word.length, "kladde.docx", DOCX);
    expect((await tus.patch(url, 0, word.subarray(0, 1000))).status).to.equal(204);
    const del = await tus.terminate(url);
    expect(del.status).to.equal(204);
    expect((await tus.head(url)).status).to.equal(404);
    expect((await tus.patch(url, 1000, word.subarray(1000, 2000))).status).to.equal(404);
    expect(await stored(id)).to.equal(false);
    await api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload: id, documentTypeId: w.types.pupil, caseId }).expect(404);
  });

  it("someone else's upload is not found, neither over tus nor when saving", async () => {
    const { url, id } = await tus.create(1000, "alices.docx", DOCX);
    const carl = tusClient(svc.url, w.tokens.carl);
    expect((await carl.head(url)).status).to.equal(404);
    expect((await carl.patch(url, 0, word.subarray(0, 1000))).status).to.equal(404);
    expect((await tus.patch(url, 0, word.subarray(0, 1000))).status).to.equal(204);
    await api().post("/api/documents").auth(w.tokens.carl, bearer).send({ upload: id, documentTypeId: w.types.pupil, caseId }).expect(404);
    expect((await tus.head(url)).headers.get("upload-offset")).to.equal("1000");
  });

  it("a new version comes from an upload with If-Match; a stale one is refused and the upload kept", async () => {
    const first = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId, title: "Budget kontrol - juni 2019" }))
      .attach("file", corpus("spreadsheet-basic.xlsx"), {
        filename: "Budget.xlsx",
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      })
      .expect(201);
    const id = await tus.upload(word, "Budget kontrol - juni 2019.docx", DOCX, SLICE);

    const missing = await api().post(`/api/documents/${first.body.id}/versions`).auth(w.tokens.alice, bearer).send({ upload: id }).expect(428);
    expect(missing.body.code).to.equal("if_match_required");
    const stale = await api()
      .post(`/api/documents/${first.body.id}/versions`)
      .auth(w.tokens.alice, bearer)
      .set("If-Match", '"stale"')
      .send({ upload: id })
      .expect(412);
    expect(stale.body.currentEtag).to.equal(first.body.etag);
    expect(await stored(id), "a refused save leaves the upload to be retried").to.equal(true);

    const res = await api()
      .post(`/api/documents/${first.body.id}/versions`)
      .auth(w.tokens.alice, bearer)
      .set("If-Match", first.body.etag)
      .send({ upload: id, comment: "nu som Word" })
      .expect(201);
    expect(res.body.currentVersion).to.include({
      version: "1.1",
      sha256: sha256(word),
      size: word.length,
      filename: "Budget kontrol - juni 2019.docx",
      mediaType: DOCX,
      comment: "nu som Word",
    });
    expect(res.headers.etag).to.equal(res.body.etag);
    expect(res.body.versions.map((v: { version: string }) => v.version)).to.deep.equal(["1.0", "1.1"]);
    const old = await api().get(`/api/documents/${first.body.id}/content?version=1.0`).auth(w.tokens.alice, bearer).buffer(true).parse(binary).expect(200);
    expect(sha256(old.body)).to.equal(sha256(corpus("spreadsheet-basic.xlsx")));
    await api().post(`/api/documents/${first.body.id}/versions`).auth(w.tokens.alice, bearer).set("If-Match", res.body.etag).send({ upload: id }).expect(404);
  });

  it("a document and its attachments are saved from several uploads in one request", async () => {
    const mail = Buffer.from("From: forælder@example.dk\r\nSubject: Ansøgning\r\n\r\nSe vedhæftede.\r\n");
    const [main, a1, a2] = [
      await tus.upload(mail, "Ansøgning.eml", "message/rfc822"),
      await tus.upload(presentation, "Præsentation.pptx", PPTX, 512 * 1024),
      await tus.upload(word, "Bilag.docx", DOCX, 300 * 1000),
    ];
    const res = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .set("Idempotency-Key", "outlook-save-ansogning-1")
      .send({ upload: main, documentTypeId: w.types.letter, caseId, title: "Ansøgning", attachments: [{ upload: a1, title: "Præsentation" }, { upload: a2 }] })
      .expect(201);
    expect(res.body.currentVersion).to.include({ sha256: sha256(mail), filename: "Ansøgning.eml", mediaType: "message/rfc822" });
    const shown = res.body.attachments.map((a: { title: string; versions: Array<{ version: string; sha256: string; filename: string }> }) => [
      a.title,
      a.versions.map((v) => [v.version, v.sha256, v.filename]),
    ]);
    // Attachments keep the order they were sent in, as a mail's attachments do.
    expect(shown).to.deep.equal([
      ["Præsentation", [["1.0", sha256(presentation), "Præsentation.pptx"]]],
      ["Bilag", [["1.0", sha256(word), "Bilag.docx"]]],
    ]);
    for (const a of res.body.attachments) {
      const dl = await api()
        .get(`/api/documents/${res.body.id}/attachments/${a.id}/content`)
        .auth(w.tokens.alice, bearer)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(sha256(dl.body)).to.equal(a.versions[0].sha256);
    }
    for (const id of [main, a1, a2]) expect(await stored(id)).to.equal(false);

    // A retry of the same save (the client never saw the answer) returns the same document.
    const retry = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .set("Idempotency-Key", "outlook-save-ansogning-1")
      .send({ upload: main, documentTypeId: w.types.letter, caseId, title: "Ansøgning", attachments: [{ upload: a1 }, { upload: a2 }] })
      .expect(200);
    expect(retry.body.id).to.equal(res.body.id);
    expect((await svc.ctx.db.selectFrom("documents").select("id").where("title", "=", "Ansøgning").execute()).length).to.equal(1);
  });

  it("when one attachment's upload is unfinished nothing is saved and every upload stays for the retry", async () => {
    const main = await tus.upload(word, "Hovedfil.docx", DOCX);
    const { url, id: unfinished } = await tus.create(presentation.length, "Bilag.pptx", PPTX);
    expect((await tus.patch(url, 0, presentation.subarray(0, SLICE))).status).to.equal(204);
    const before = await countDocuments();
    const body = { upload: main, documentTypeId: w.types.letter, caseId, title: "Med ufærdigt bilag", attachments: [{ upload: unfinished }] };
    const res = await api().post("/api/documents").auth(w.tokens.alice, bearer).send(body).expect(409);
    expect(res.body.code).to.equal("upload_incomplete");
    expect(await countDocuments()).to.equal(before);
    expect(await stored(main)).to.equal(true);
    for (let at = SLICE; at < presentation.length; at += SLICE) expect((await tus.patch(url, at, presentation.subarray(at, at + SLICE))).status).to.equal(204);
    const saved = await api().post("/api/documents").auth(w.tokens.alice, bearer).send(body).expect(201);
    expect(saved.body.currentVersion.sha256).to.equal(sha256(word));
    expect(saved.body.attachments[0].versions[0].sha256).to.equal(sha256(presentation));
  });

  it("an attachment is added to an existing document from an upload", async () => {
    const doc = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId, title: "Optagelsesdokument" }))
      .attach("file", Buffer.from("optagelse\n"), { filename: "Optagelse.txt", contentType: "text/plain" })
      .expect(201);
    const id = await tus.upload(presentation, "Forside.pptx", PPTX);
    const added = await api().post(`/api/documents/${doc.body.id}/attachments`).auth(w.tokens.alice, bearer).send({ upload: id, title: "Forside" }).expect(201);
    expect(added.body).to.include({ title: "Forside", version: "1.0" });
    const next = await tus.upload(word, "Forside.docx", DOCX);
    const v2 = await api()
      .post(`/api/documents/${doc.body.id}/attachments/${added.body.id}/versions`)
      .auth(w.tokens.alice, bearer)
      .send({ upload: next })
      .expect(201);
    expect(v2.body).to.deep.equal({ id: added.body.id, version: "1.1" });
    const old = await api()
      .get(`/api/documents/${doc.body.id}/attachments/${added.body.id}/content?version=1.0`)
      .auth(w.tokens.alice, bearer)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(sha256(old.body)).to.equal(sha256(presentation));
  });

  it("an upload needs a token", async () => {
    const res = await fetch(new URL("/api/uploads", svc.url), {
      method: "POST",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": `filename ${Buffer.from("x.txt").toString("base64")}` },
    });
    expect(res.status).to.equal(401);
  });
});
