import { expect } from "chai";
import { corpus } from "../../support/fixtures.ts";
import { MailParseFailed, parseInWorker } from "../../../service/features/mail/mail-parser-pool.ts";
import { DEFAULT_READ_LIMITS } from "../../../service/features/mail/parsed-mail.ts";

describe("reading mail in a bounded worker", () => {
  const budget = { timeoutMs: 30_000, heapMb: 256 };

  it("reads a real mail in a worker thread and hands back its parts as Buffers and its body sanitised", async () => {
    const { mail, body } = await parseInWorker(corpus("da-gmail-inline-image-and-attached-odt.eml"), "mime", DEFAULT_READ_LIMITS, budget);
    expect(mail.subject).to.equal("Mail med inline billede og vedhæftet fil");
    expect(mail.parts.every((p) => Buffer.isBuffer(p.content))).to.equal(true);
    expect(body.html).to.include('src="/__ims_mail_part__/0"');
  });

  it("a read that takes longer than its budget is stopped, and the next one runs", async () => {
    let refused: unknown;
    await parseInWorker(corpus("pine-large-text-attachment-370kb.eml"), "mime", DEFAULT_READ_LIMITS, { timeoutMs: 1, heapMb: 256 }).catch(
      (err) => (refused = err),
    );
    expect(refused).to.be.instanceOf(MailParseFailed);
    expect((refused as Error).message).to.match(/longer than/);
    const { mail } = await parseInWorker(corpus("raw-8bit-latin1-subject.eml"), "mime", DEFAULT_READ_LIMITS, budget);
    expect(mail.subject).to.be.a("string");
  });
});
