import { createHash } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { corpus } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

// Mail as a record: whatever route a mail comes by, the service reads it off the request path and the
// document shows its parts, body, thread and other filings; real files from test/fixtures/corpus.

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface Part {
  id: string;
  parentId: string | null;
  kind: string;
  name: string;
  originalName: string | null;
  mediaType: string;
  size: number;
  sha256: string;
  contentId: string | null;
  contentUrl: string;
  attachmentId: string | null;
  message: { subject: string | null; from: { address: string } | null } | null;
}

/** A MIME message around `body`, as a mail client writes one. */
function mime(headers: Record<string, string>, body: string): Buffer {
  const lines = Object.entries({ "MIME-Version": "1.0", Date: "Tue, 12 Oct 2021 08:00:00 +0200", ...headers }).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from([...lines, "", body].join("\r\n"));
}

/** A mail that forwards `inner` as an attached message. */
function forwarding(subject: string, inner: Buffer, id: string): Buffer {
  return mime(
    {
      "Message-ID": `<${id}@skole.example>`,
      Subject: subject,
      From: "Skolen <kontor@skole.example>",
      To: "bo@skole.example",
      "Content-Type": 'multipart/mixed; boundary="b-' + id + '"',
    },
    [
      `--b-${id}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Videresendt: ${subject}`,
      `--b-${id}`,
      "Content-Type: message/rfc822",
      'Content-Disposition: attachment; filename="forward.eml"',
      "",
      inner.toString("latin1"),
      `--b-${id}--`,
      "",
    ].join("\r\n"),
  );
}

describe("mail as a record: parts, nested messages, bodies, names and duplicates", () => {
  let svc: TestService;
  let w: World;
  let caseA: { id: string; number: string };
  let caseB: { id: string; number: string };

  const auth = (r: request.Test) => r.auth(w.tokens.alice, { type: "bearer" });
  const save = (
    bytes: Buffer,
    filename: string,
    opts: { caseId?: string | null; title?: string; contentType?: string; extra?: Record<string, unknown> } = {},
  ) =>
    auth(request(svc.url).post("/api/documents"))
      .field(
        "metadata",
        JSON.stringify({
          documentTypeId: w.types.letter,
          caseId: opts.caseId === undefined ? caseA.id : opts.caseId,
          ...(opts.title ? { title: opts.title } : {}),
          ...opts.extra,
        }),
      )
      .attach("file", bytes, { filename, contentType: opts.contentType ?? "message/rfc822" });
  const read = async (id: string) => {
    await svc.jobsIdle();
    return (await auth(request(svc.url).get(`/api/documents/${id}`)).expect(200)).body;
  };
  const download = async (url: string) =>
    (
      await auth(request(svc.url).get(url))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200)
    ).body as Buffer;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const mk = async (title: string) =>
      (
        await auth(request(svc.url).post("/api/cases"))
          .send({ templateId: w.templates.pupil, title, metadata: { elevnummer: "E" } })
          .expect(201)
      ).body;
    caseA = await mk("Mails som sagsakter");
    caseB = await mk("En anden sag");
  });
  after(() => svc.dispose());

  it("a .eml saved as one file lists its inline image and its attached file, each downloadable byte for byte, and its subject becomes the title", async () => {
    const saved = await save(corpus("da-gmail-inline-image-and-attached-odt.eml"), "da-gmail-inline-image-and-attached-odt.eml").expect(201);
    const doc = await read(saved.body.id);
    expect(doc.title).to.equal("Mail med inline billede og vedhæftet fil");
    expect(doc.mail.parse).to.deep.equal({ status: "done", problems: [] });
    const parts: Part[] = doc.mail.parts;
    const odt = parts.find((p) => p.name.endsWith(".odt"))!;
    const image = parts.find((p) => p.kind === "inline")!;
    expect(odt).to.include({ kind: "file", mediaType: "application/vnd.oasis.opendocument.text", parentId: null, attachmentId: null });
    expect(image.mediaType).to.match(/^image\//);
    expect(image.contentId).to.be.a("string");
    for (const p of [odt, image]) {
      const bytes = await download(p.contentUrl);
      expect(bytes.length).to.equal(p.size);
      expect(sha(bytes)).to.equal(p.sha256);
    }
    // The body is there to show, with the inline image pointing at its part and nothing that runs.
    expect(doc.mail.body.html).to.include(image.contentUrl);
    expect(doc.mail.body.html).not.to.match(/<script|cid:/i);
    expect(doc.mail.body.text).to.be.a("string");
    // The stored original is untouched.
    const original = await download(`/api/documents/${doc.id}/content`);
    expect(sha(original)).to.equal(sha(corpus("da-gmail-inline-image-and-attached-odt.eml")));
  });

  it("an attached message is shown as a mail of its own, three levels deep, with its own parts", async () => {
    const innermost = mime(
      {
        "Message-ID": "<inner@skole.example>",
        Subject: "=?UTF-8?Q?Indkaldelse_til_m=C3=B8de?=",
        From: "=?UTF-8?Q?J=C3=B8rgen?= <j@skole.example>",
        To: "a@skole.example",
        "Content-Type": 'multipart/mixed; boundary="in"',
      },
      [
        "--in",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Dagsorden vedlagt.",
        "--in",
        'Content-Type: application/pdf; name="dagsorden.pdf"',
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="dagsorden.pdf"',
        "",
        Buffer.from("%PDF-1.4 dagsorden").toString("base64"),
        "--in--",
        "",
      ].join("\r\n"),
    );
    const outer = forwarding("Fw: Fw: Indkaldelse", forwarding("Fw: Indkaldelse", innermost, "middle"), "outer");
    const doc = await read((await save(outer, "fw.eml").expect(201)).body.id);
    const parts: Part[] = doc.mail.parts;
    const middle = parts.find((p) => p.parentId === null && p.kind === "message")!;
    expect(middle.message!.subject).to.equal("Fw: Indkaldelse");
    const inner = parts.find((p) => p.parentId === middle.id && p.kind === "message")!;
    expect(inner.message).to.deep.include({ subject: "Indkaldelse til møde" });
    expect(inner.message!.from).to.deep.include({ address: "j@skole.example" });
    const pdf = parts.find((p) => p.parentId === inner.id)!;
    expect(pdf).to.include({ name: "dagsorden.pdf", mediaType: "application/pdf", kind: "file" });
    expect((await download(pdf.contentUrl)).toString()).to.equal("%PDF-1.4 dagsorden");
  });

  it("a winmail.dat is kept and unpacked into the files it carries", async () => {
    const doc = await read((await save(corpus("outlook-rich-text-with-winmail-dat-1mb.eml"), "rich.eml").expect(201)).body.id);
    const parts: Part[] = doc.mail.parts;
    const winmail = parts.find((p) => /winmail\.dat/i.test(p.name))!;
    expect(winmail.parentId).to.equal(null);
    const carried = parts.filter((p) => p.parentId === winmail.id);
    expect(carried.length).to.be.greaterThan(0);
    const jpeg = carried.find((p) => /\.jpe?g$/i.test(p.name))!;
    expect((await download(jpeg.contentUrl)).subarray(0, 2).toString("hex")).to.equal("ffd8");
  });

  it("an Outlook .msg is read as mail: subject, sender, attachments and inline image", async () => {
    const doc = await read(
      (await save(corpus("outlook-attachAndInline.msg"), "Attach and inline.msg", { contentType: "application/vnd.ms-outlook" }).expect(201)).body.id,
    );
    expect(doc.mail.subject).to.equal("Attach and inline");
    expect(doc.title).to.equal("Attach and inline");
    const names = (doc.mail.parts as Part[]).map((p) => [p.name, p.kind]);
    expect(names).to.deep.include(["attach.png", "file"]);
    expect((doc.mail.parts as Part[]).find((p) => p.name === "image001.png")!.kind).to.equal("inline");
  });

  it("a MIME message named .msg is recognised as mail by its content", async () => {
    const bytes = mime(
      { "Message-ID": "<named-msg@skole.example>", Subject: "Gemt som msg", From: "a@skole.example", To: "b@skole.example", "Content-Type": "text/plain" },
      "Hej",
    );
    const doc = await read((await save(bytes, "gemt.msg", { contentType: "application/octet-stream" }).expect(201)).body.id);
    expect(doc.mail).to.deep.include({ subject: "Gemt som msg", messageId: "<named-msg@skole.example>", parsed: true });
  });

  it("malformed MIME degrades to what can be read: the outcome says what was wrong and the original stays byte-identical", async () => {
    const broken = mime(
      { "Message-ID": "<broken@skole.example>", Subject: "Ansøgning", From: "a@skole.example", "Content-Type": 'multipart/mixed; boundary="x"' },
      [
        "--x",
        "Content-Type: text/plain",
        "",
        "Tekst\u0000med NUL",
        "--x",
        'Content-Type: application/pdf; name="a.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        "JVBERi0x#!LjQK",
        "",
      ].join("\n"),
    );
    const saved = await save(broken, "broken.eml").expect(201);
    const doc = await read(saved.body.id);
    expect(doc.mail.parse.status).to.equal("partial");
    expect(doc.mail.parse.problems.join(" ")).to.match(/base64/);
    expect(doc.mail.parse.problems.join(" ")).to.match(/closing boundary/);
    expect((doc.mail.parts as Part[]).find((p) => p.name === "a.pdf")).not.to.equal(undefined);
    expect(sha(await download(`/api/documents/${doc.id}/content`))).to.equal(sha(broken));
  });

  it("raw 8-bit latin-1 headers read as the sender meant them", async () => {
    const bytes = Buffer.concat([
      Buffer.from("Message-ID: <latin@skole.example>\r\nSubject: "),
      Buffer.from("Ansøgning fra Jørgen Müller", "latin1"),
      Buffer.from("\r\nFrom: "),
      Buffer.from("Jørgen Müller", "latin1"),
      Buffer.from(" <jm@skole.example>\r\nTo: a@skole.example\r\n\r\nHej\r\n"),
    ]);
    const doc = await read((await save(bytes, "latin.eml").expect(201)).body.id);
    expect(doc.mail.subject).to.equal("Ansøgning fra Jørgen Müller");
    expect(doc.mail.from).to.deep.equal({ name: "Jørgen Müller", address: "jm@skole.example" });
  });

  it("an attachment name with a path, a bidirectional override or 265 characters never blocks a save: made safe, the original kept", async () => {
    const long = `Bilag 3 - Høringssvar vedrørende forslag til lokalplan ${"og kommuneplantillæg for området ved havnen ".repeat(5)}.pdf`;
    expect(long.length).to.be.greaterThan(255);
    for (const name of ["a/b\\c.pdf", "faktura\u202efdp.exe", long]) {
      // Written by hand: form-data libraries cut a path off the name before sending it, but a client need not.
      const boundary = "safe-names-boundary";
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify({ documentTypeId: w.types.letter, caseId: caseA.id })}\r\n`,
        ),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/"/g, "%22")}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`,
        ),
      ]);
      const res = await auth(request(svc.url).post("/api/documents")).set("Content-Type", `multipart/form-data; boundary=${boundary}`).send(body).expect(201);
      const v = res.body.currentVersion;
      expect(v.filename).not.to.match(/[/\\\u202e]/);
      expect(Buffer.byteLength(v.filename)).to.be.at.most(255);
      expect(v.originalFilename).to.equal(name);
    }
  });

  it("the same mail in the same case is refused with 409 naming the filed one, unless saved anyway; in another case it is saved and each names the other", async () => {
    const bytes = mime(
      { "Message-ID": "<twice@skole.example>", Subject: "To gange", From: "a@skole.example", To: "b@skole.example", "Content-Type": "text/plain" },
      "Hej",
    );
    const first = await save(bytes, "twice.eml").expect(201);
    const again = await save(bytes, "twice.eml").expect(409);
    expect(again.body).to.deep.include({ code: "mail_already_filed" });
    expect(again.body.existing).to.deep.include({ documentId: first.body.id });
    await save(bytes, "twice.eml", { extra: { allowDuplicate: true } }).expect(201);
    const elsewhere = await save(bytes, "twice.eml", { caseId: caseB.id }).expect(201);
    const doc = await read(elsewhere.body.id);
    expect((doc.mail.alsoFiled as { documentId: string }[]).map((f) => f.documentId)).to.include(first.body.id);
    const firstDoc = await read(first.body.id);
    expect((firstDoc.mail.alsoFiled as { case: { id: string } | null }[]).some((f) => f.case?.id === caseB.id)).to.equal(true);
  });

  it("a mail without a Message-ID is recognised by its bytes", async () => {
    const bytes = mime({ Subject: "Uden id", From: "a@skole.example", To: "b@skole.example", "Content-Type": "text/plain" }, "Hej");
    await save(bytes, "uden-id.eml").expect(201);
    await save(bytes, "uden-id.eml").expect(409);
  });

  it("attachments a client uploaded beside the mail are named by the mail's parts, so they show once and are stored once", async () => {
    const bytes = corpus("da-gmail-inline-image-and-attached-odt.eml");
    const odt = corpus("da-brev-med-billede.odt");
    // What Outlook and Gmail do: the mail and each attachment as separate files of one save.
    const probe = await read((await save(bytes, "probe.eml", { caseId: caseB.id, extra: { allowDuplicate: true } }).expect(201)).body.id);
    const attachedPart = (probe.mail.parts as Part[]).find((p) => p.name.endsWith(".odt"))!;
    const attached = await download(attachedPart.contentUrl);
    const res = await auth(request(svc.url).post("/api/documents"))
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: null, attachments: [{ title: "Bilag" }] }))
      .attach("file", bytes, { filename: "m.eml", contentType: "message/rfc822" })
      .attach("attachment", attached, { filename: attachedPart.name, contentType: attachedPart.mediaType })
      .expect(201);
    const doc = await read(res.body.id);
    const part = (doc.mail.parts as Part[]).find((p) => p.name.endsWith(".odt"))!;
    expect(part.attachmentId).to.equal(doc.attachments[0].id);
    expect(doc.attachments[0].versions[0].sha256).to.equal(part.sha256);
    expect(odt.length).to.be.greaterThan(0);
  });

  it("a part of another document, or of a document the user may not see, answers 404", async () => {
    const doc = await read((await save(corpus("da-gmail-inline-image-and-attached-odt.eml"), "x.eml", { caseId: null }).expect(201)).body.id);
    const part: Part = doc.mail.parts[0];
    const other = await read(
      (await save(mime({ Subject: "Anden", From: "a@skole.example", "Content-Type": "text/plain" }, "x"), "y.eml", { caseId: null }).expect(201)).body.id,
    );
    await auth(request(svc.url).get(`/api/documents/${other.id}/mail/parts/${part.id}/content`)).expect(404);
    await request(svc.url).get(part.contentUrl).auth(w.tokens.carl, { type: "bearer" }).expect(404);
  });

  it("the document view lists the thread's other filed mails the user may see, and a title given at save is kept", async () => {
    const first = mime(
      { "Message-ID": "<thread-1@skole.example>", Subject: "Skolestart", From: "a@skole.example", To: "b@skole.example", "Content-Type": "text/plain" },
      "Hej",
    );
    const reply = mime(
      {
        "Message-ID": "<thread-2@skole.example>",
        "In-Reply-To": "<thread-1@skole.example>",
        References: "<thread-1@skole.example>",
        Subject: "SV: Skolestart",
        From: "b@skole.example",
        To: "a@skole.example",
        "Content-Type": "text/plain",
      },
      "Tak",
    );
    const a = await save(first, "skolestart.eml", { title: "Skolestart august" }).expect(201);
    const b = await save(reply, "sv.eml", { caseId: caseB.id }).expect(201);
    const doc = await read(a.body.id);
    expect(doc.title).to.equal("Skolestart august");
    expect(doc.mail.thread).to.have.length(1);
    expect(doc.mail.thread[0]).to.deep.include({ documentId: b.body.id, subject: "SV: Skolestart", title: "SV: Skolestart" });
    expect(doc.mail.thread[0].case).to.deep.include({ id: caseB.id });
  });

  /** A finished resumable upload of `bytes`, as the add-ins send files: its path. */
  const uploaded = async (bytes: Buffer, filename: string, type: string) => {
    const created = await auth(request(svc.url).post("/api/uploads"))
      .set("Tus-Resumable", "1.0.0")
      .set("Upload-Length", String(bytes.length))
      .set("Upload-Metadata", `filename ${Buffer.from(filename).toString("base64")},filetype ${Buffer.from(type).toString("base64")}`)
      .expect(201);
    const url = new URL(created.headers.location, svc.url).pathname;
    await auth(request(svc.url).patch(url))
      .set("Tus-Resumable", "1.0.0")
      .set("Upload-Offset", "0")
      .set("Content-Type", "application/offset+octet-stream")
      .send(bytes)
      .expect(204);
    return url;
  };

  it("a mail saved through a resumable upload is read the same way", async () => {
    const url = await uploaded(corpus("outlook-msgInMsg.msg"), "I have attachments!.msg", "application/vnd.ms-outlook");
    const saved = await auth(request(svc.url).post("/api/documents"))
      .send({ documentTypeId: w.types.letter, caseId: caseB.id, upload: url.split("/").pop() })
      .expect(201);
    const doc = await read(saved.body.id);
    expect(doc.mail).to.deep.include({ subject: "I have attachments!", parsed: true });
    const parts: Part[] = doc.mail.parts;
    expect(parts.map((p) => p.kind)).to.have.members(["message", "file"]);
    expect(parts.find((p) => p.kind === "message")!.message!.subject).to.equal("Microsoft Outlook テスト メッセージ");
  });

  it("an upload refused at save time is discarded at once", async () => {
    const url = await uploaded(Buffer.from("abc"), "a.txt", "text/plain");
    const id = url.split("/").pop();
    await auth(request(svc.url).post("/api/documents")).send({ documentTypeId: "no-such-type", caseId: caseA.id, upload: id }).expect(422);
    await auth(request(svc.url).head(url)).set("Tus-Resumable", "1.0.0").expect(404);
  });
});

describe("mail as a record: bounds", () => {
  it("a mail larger than IMS_MAIL_PARSE_MAX_MB is kept byte for byte but not read, and says so", async () => {
    const svc = await startTestService({ IMS_MAIL_PARSE_MAX_MB: "1" });
    try {
      const w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
      const bytes = corpus("outlook-rich-text-with-winmail-dat-1mb.eml");
      expect(bytes.length).to.be.greaterThan(1024 * 1024);
      const saved = await request(svc.url)
        .post("/api/documents")
        .auth(w.tokens.alice, { type: "bearer" })
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: null }))
        .attach("file", bytes, { filename: "stor.eml", contentType: "message/rfc822" })
        .expect(201);
      await svc.jobsIdle();
      const doc = (await request(svc.url).get(`/api/documents/${saved.body.id}`).auth(w.tokens.alice, { type: "bearer" }).expect(200)).body;
      expect(doc.mail.parse.status).to.equal("skipped");
      expect(doc.mail.parse.problems[0]).to.match(/IMS_MAIL_PARSE_MAX_MB/);
      expect(doc.mail.parts).to.deep.equal([]);
      expect(doc.currentVersion.sha256).to.equal(sha(bytes));
    } finally {
      await svc.dispose();
    }
  });
});
