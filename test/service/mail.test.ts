import { expect } from "chai";
import request from "supertest";
import { corpus, corpusNames } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const GMAIL = "da-gmail-inline-image-and-attached-odt.eml";
const GMAIL_ID = "<CAP6xULFuEzdY+Mj5WY5nt=9TfRuaWroy6-4LWmhpp9G2+vfzLw@mail.gmail.com>";

/** A reply in the same thread, as a mail client would write it. */
const reply = (from: string) =>
  Buffer.from(
    [
      "MIME-Version: 1.0",
      "Date: Tue, 12 Oct 2021 08:00:00 +0200",
      "Message-ID: <reply-1@skole.example>",
      `In-Reply-To: ${GMAIL_ID}`,
      `References: ${GMAIL_ID}`,
      "Subject: =?UTF-8?Q?SV:_Mail_med_inline_billede_og_vedh=C3=A6ftet_fil?=",
      `From: Skolen <${from}>`,
      "To: =?UTF-8?Q?Paw_M=C3=B8ller?= <pawsen@gmail.com>",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "Tak, vi har modtaget det.",
      "",
    ].join("\r\n"),
  );

describe("mail: headers, threads and proposals", () => {
  let svc: TestService;
  let w: World;
  let caseA: { id: string; number: string };
  let caseB: { id: string; number: string };

  const as = (token: string) => ({
    saveMail: (bytes: Buffer, filename: string, caseId: string | null, mail?: Record<string, string>) =>
      request(svc.url)
        .post("/api/documents")
        .auth(token, { type: "bearer" })
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId, ...(mail ? { mail } : {}) }))
        .attach("file", bytes, { filename, contentType: "message/rfc822" }),
    lookup: (body: Record<string, unknown>) => request(svc.url).post("/api/mail/lookup").auth(token, { type: "bearer" }).send(body),
  });

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const mk = async (title: string) =>
      (
        await request(svc.url)
          .post("/api/cases")
          .auth(w.tokens.alice, { type: "bearer" })
          .send({ templateId: w.templates.pupil, title, metadata: { elevnummer: "E" } })
          .expect(201)
      ).body;
    caseA = await mk("Ansøgning");
    caseB = await mk("Kurt Jensen");
  });
  after(() => svc.dispose());

  it("keeps a saved mail's Message-ID, From, To, Date and Subject with the document (parsed off the request path)", async () => {
    const saved = await as(w.tokens.alice).saveMail(corpus(GMAIL), GMAIL, caseA.id).expect(201);
    await svc.jobsIdle();
    const doc = await request(svc.url).get(`/api/documents/${saved.body.id}`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
    expect(doc.body.mail).to.deep.include({
      messageId: GMAIL_ID,
      subject: "Mail med inline billede og vedhæftet fil",
      sentAt: "2021-10-11T07:38:41.000Z",
      parsed: true,
    });
    expect(doc.body.mail.from).to.deep.equal({ name: "Paw Møller", address: "pawsen@gmail.com" });
    expect(doc.body.mail.to).to.deep.equal([{ name: "Paw Møller", address: "pawsen@gmail.com" }]);
  });

  it("a mail whose Message-ID is filed already is reported with its case", async () => {
    const res = await as(w.tokens.alice).lookup({ messageId: GMAIL_ID }).expect(200);
    expect(res.body.alreadyFiled.case).to.deep.include({ id: caseA.id, number: caseA.number });
    const unknown = await as(w.tokens.alice).lookup({ messageId: "<never@seen>" }).expect(200);
    expect(unknown.body.alreadyFiled).to.equal(null);
  });

  it("a reply is proposed for the case its thread was filed in", async () => {
    const res = await as(w.tokens.alice)
      .lookup({ messageId: "<reply-1@skole.example>", inReplyTo: GMAIL_ID, references: [GMAIL_ID], from: "kontor@skole.example" })
      .expect(200);
    expect(res.body.proposal.reason).to.equal("thread");
    expect(res.body.proposal.case.id).to.equal(caseA.id);
  });

  it("an earlier message is proposed for the case where a later reply naming it was filed", async () => {
    const saved = await as(w.tokens.alice).saveMail(reply("kontor@skole.example"), "SV.eml", caseB.id).expect(201);
    await svc.jobsIdle();
    const doc = await request(svc.url).get(`/api/documents/${saved.body.id}`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
    expect(doc.body.mail.inReplyTo).to.equal(GMAIL_ID);
    expect(doc.body.mail.references).to.deep.equal([GMAIL_ID]);
    // Both case A (the original) and case B (the reply) are in this thread; the newest filing wins.
    const res = await as(w.tokens.alice).lookup({ messageId: GMAIL_ID }).expect(200);
    expect(res.body.proposal).to.deep.include({ reason: "thread" });
    expect(res.body.proposal.case.id).to.equal(caseB.id);
  });

  it("without a thread, the Outlook conversation and then the sender's last case are proposed", async () => {
    await as(w.tokens.alice)
      .saveMail(corpus("outlook2000-three-png-attachments.eml"), "Outlook.eml", caseA.id, { conversationId: "AAQkAGI2-conv-1" })
      .expect(201);
    await svc.jobsIdle();
    const conv = await as(w.tokens.alice).lookup({ messageId: "<new@x>", conversationId: "AAQkAGI2-conv-1" }).expect(200);
    expect(conv.body.proposal).to.deep.include({ reason: "conversation" });
    expect(conv.body.proposal.case.id).to.equal(caseA.id);
    const sender = await as(w.tokens.alice).lookup({ messageId: "<new2@x>", from: "PAWSEN@gmail.com" }).expect(200);
    expect(sender.body.proposal).to.deep.include({ reason: "sender" });
    expect(sender.body.proposal.case.id).to.equal(caseA.id);
  });

  it("nothing is proposed or reported from cases the user may not see", async () => {
    const res = await as(w.tokens.bob).lookup({ messageId: GMAIL_ID, inReplyTo: GMAIL_ID, from: "pawsen@gmail.com" }).expect(200);
    expect(res.body).to.deep.equal({ alreadyFiled: null, proposal: null });
  });

  it("every real mail in the corpus is parsed without a failed job", async () => {
    const names = corpusNames(".eml");
    // A case of their own: some of them are filed in the other cases already.
    const corpusCase = (
      await request(svc.url)
        .post("/api/cases")
        .auth(w.tokens.alice, { type: "bearer" })
        .send({ templateId: w.templates.pupil, title: "Korpus", metadata: { elevnummer: "K" } })
        .expect(201)
    ).body;
    for (const name of names) await as(w.tokens.alice).saveMail(corpus(name), name, corpusCase.id).expect(201);
    await svc.jobsIdle();
    const failedJobs = await svc.ctx.db.selectFrom("jobs").select(["error", "payload"]).where("state", "!=", "done").execute();
    expect(failedJobs).to.deep.equal([]);
    const parsed = await svc.ctx.db.selectFrom("mail_messages").select(["parsed"]).where("parsed", "=", 0).execute();
    expect(parsed).to.have.length(0);
  });
});
