import { expect } from "chai";
import { isOleCompoundFile, readOutlookMsg } from "../../../service/features/mail/outlook-msg.ts";
import { DEFAULT_READ_LIMITS, type ParsedMail } from "../../../service/features/mail/parsed-mail.ts";
import { corpus } from "../../support/fixtures.ts";

const read = (name: string, limits = DEFAULT_READ_LIMITS) => readOutlookMsg(corpus(name), limits);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Every string a mail holds, nested messages included, to look for replacement characters in. */
const textOf = (mail: ParsedMail): string => JSON.stringify(mail, (key, value) => (key === "content" ? undefined : value));

interface EntrySketch {
  type: number;
  previous?: number;
  next?: number;
  child?: number;
}

/** A minimal compound file of 512-byte sectors: sector 0 holds the FAT given, sector 1 the directory entries. */
function compoundFile(fat: number[], entries: EntrySketch[]): Buffer {
  const file = Buffer.alloc(512 * 3);
  OLE_SIGNATURE.copy(file, 0);
  file.writeUInt16LE(9, 30); // 2^9-byte sectors
  file.writeInt32LE(1, 0x2c); // one FAT sector …
  file.writeInt32LE(0, 0x4c); // … which is sector 0
  for (let i = 1; i < 109; i++) file.writeInt32LE(-1, 0x4c + 4 * i);
  file.writeInt32LE(1, 0x30); // the directory starts in sector 1
  for (const offset of [0x3c, 0x44]) file.writeInt32LE(-2, offset); // no mini FAT, no DIFAT sectors
  for (let i = 0; i < 128; i++) file.writeInt32LE(fat[i] ?? -1, 512 + 4 * i);
  entries.forEach((entry, i) => {
    const at = 1024 + 128 * i;
    file.writeUInt8(entry.type, at + 0x42);
    file.writeInt32LE(entry.previous ?? -1, at + 0x44);
    file.writeInt32LE(entry.next ?? -1, at + 0x48);
    file.writeInt32LE(entry.child ?? -1, at + 0x4c);
    file.writeInt32LE(-2, at + 0x74);
  });
  return file;
}

describe("Outlook .msg reader", () => {
  it("recognises a .msg by its compound-file signature and a MIME message as something else", () => {
    expect(isOleCompoundFile(corpus("outlook-sent.msg"))).to.equal(true);
    expect(isOleCompoundFile(corpus("multipart-digest.eml"))).to.equal(false);
    expect(isOleCompoundFile(OLE_SIGNATURE.subarray(0, 4))).to.equal(false);
  });

  it("a received mail with a file attachment and an inline image keeps the image as inline with its content id", () => {
    const mail = read("outlook-attachAndInline.msg");
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject).to.equal("Attach and inline");
    expect(mail.from, "the file holds no sender properties").to.equal(null);
    expect(mail.to).to.deep.equal([{ name: "xmailuser@xmailserver.test", address: "xmailuser@xmailserver.test" }]);
    expect(mail.sentAt, "no submit time: the delivery time").to.equal("2021-07-27T22:19:50.000Z");
    const [file, inline] = mail.parts;
    expect(mail.parts).to.have.length(2);
    expect(file).to.include({ kind: "file", filename: "attach.png", mediaType: "image/png", contentId: null });
    expect(file.content).to.have.length(1558);
    expect(file.content.subarray(0, 8).equals(PNG_SIGNATURE)).to.equal(true);
    expect(inline).to.include({ kind: "inline", filename: "image001.png", mediaType: "image/png", contentId: "image001.png@01D78380.EF6DC500" });
    expect(inline.content).to.have.length(809);
  });

  it("a mail with transport headers takes its Message-ID from them and lists every attachment with its type and size", () => {
    const mail = read("outlook-attachmentFiles.msg");
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject).to.equal("attachmentFiles");
    expect(mail.from).to.deep.equal({ name: "hmailuser", address: "hmailuser@hmailserver.test" });
    expect(mail.to.map((a) => a.address)).to.deep.equal(["hmailuser@hmailserver.test"]);
    expect(mail.cc).to.deep.equal([]);
    expect(mail.sentAt).to.equal("2023-11-01T00:48:31.000Z");
    expect(mail.messageId).to.equal("<000001da0c5d$22ab1460$68013d20$@hmailserver.test>");
    expect(mail.inReplyTo).to.equal(null);
    expect(mail.references).to.deep.equal([]);
    expect(mail.text).to.equal("attachmentFiles\r\n\r\n");
    expect(mail.parts.map((p) => [p.kind, p.filename, p.mediaType, p.content.length])).to.deep.equal([
      ["file", "jpg.jpg", "image/jpeg", 726],
      ["file", "png.png", "image/png", 134],
      ["file", "tif.tif", "image/tiff", 664],
    ]);
  });

  it("an Outlook item attached to a mail is read in turn, with its own subject, sender and body", () => {
    const mail = read("outlook-msgInMsg.msg");
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject).to.equal("I have attachments!");
    expect(mail.parts.map((p) => [p.kind, p.filename, p.mediaType])).to.deep.equal([
      ["message", null, "application/vnd.ms-outlook"],
      ["file", "green.png", "image/png"],
    ]);
    const embedded = mail.parts[0].message!;
    expect(embedded.subject).to.equal("Microsoft Outlook テスト メッセージ");
    expect(embedded.from).to.deep.equal({ name: "Microsoft Outlook", address: "xmailuser@xmailserver.test" });
    expect(embedded.to.map((a) => a.address)).to.deep.equal(["xmailuser@xmailserver.test"]);
    expect(embedded.sentAt).to.equal("2020-05-12T05:45:17.000Z");
    expect(embedded.text).to.contain("Microsoft Outlook から自動送信されたものです");
    expect(embedded.parts, "the test message Outlook sends has no attachment").to.deep.equal([]);
    expect(mail.parts[1].content).to.have.length(134);
  });

  it("an embedded item's content is a .msg of its own that reads back to the same message", () => {
    const part = read("outlook-msgInMsg.msg").parts[0];
    expect(isOleCompoundFile(part.content)).to.equal(true);
    const again = readOutlookMsg(part.content, DEFAULT_READ_LIMITS);
    expect(again.problems).to.deep.equal([]);
    expect(again.subject).to.equal(part.message!.subject);
    expect(again.text).to.equal(part.message!.text);
  });

  it("an embedded item nested deeper than maxDepth is kept as a file and the limit is reported", () => {
    const mail = read("outlook-msgInMsg.msg", { ...DEFAULT_READ_LIMITS, maxDepth: 0 });
    expect(mail.parts[0].kind).to.equal("file");
    expect(mail.parts[0].message).to.equal(undefined);
    expect(isOleCompoundFile(mail.parts[0].content)).to.equal(true);
    expect(mail.problems).to.deep.equal(["attachment 1: an attached message nested deeper than 0 levels is kept as a file, not read"]);
  });

  it("a sent mail dates from when it was submitted and keeps the recipient's display name as Outlook stored it", () => {
    const mail = read("outlook-sent.msg");
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject).to.equal("Sent time");
    expect(mail.from).to.deep.equal({ name: "xmailuser", address: "xmailuser@xmailserver.test" });
    expect(mail.to).to.deep.equal([{ name: "'xmailuser@xmailserver.test'", address: "xmailuser@xmailserver.test" }]);
    expect(mail.sentAt).to.equal("2021-02-15T08:19:04.000Z");
    expect(mail.messageId).to.equal(null);
    expect(mail.text).to.equal("Test mail\r\n\r\n");
    expect(mail.parts).to.deep.equal([]);
  });

  it("a non-Unicode (ANSI) .msg reads as clean text", () => {
    const mail = read("outlook-nonUnicodeMail.msg");
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject).to.equal("Non Unicode mail subject");
    expect(mail.text).to.equal("Non Unicode mail body!\r\n");
    expect(mail.to.map((a) => a.address)).to.deep.equal(["xmailuser2@xmailserver.test"]);
    expect(textOf(mail)).not.to.contain("\uFFFD");
  });

  it("a non-Unicode subject beyond ASCII is decoded in the file's code page, not byte for byte", () => {
    // The real file with the last letter of each copy of its subject made 0x80: "€" in Windows-1252, a control character in Latin-1.
    const content = corpus("outlook-nonUnicodeMail.msg");
    const word = Buffer.from("mail subject");
    for (let at = content.indexOf(word); at >= 0; at = content.indexOf(word, at + 1)) content[at + word.length - 1] = 0x80;
    const mail = readOutlookMsg(content, DEFAULT_READ_LIMITS);
    expect(mail.subject).to.equal("Non Unicode mail subjec€");
    expect(textOf(mail)).not.to.contain("\uFFFD");
  });

  it("stops listing attachments at maxParts and says so", () => {
    const mail = read("outlook-attachmentFiles.msg", { ...DEFAULT_READ_LIMITS, maxParts: 2 });
    expect(mail.parts.map((p) => p.filename)).to.deep.equal(["jpg.jpg", "png.png"]);
    expect(mail.problems).to.deep.equal(["more than 2 parts; the rest are not listed"]);
  });

  it("stops at the attachment that would pass maxBytes and says so", () => {
    const mail = read("outlook-attachmentFiles.msg", { ...DEFAULT_READ_LIMITS, maxBytes: 1000 });
    expect(mail.parts.map((p) => p.filename)).to.deep.equal(["jpg.jpg", "png.png"]);
    expect(mail.problems).to.have.length(1);
    expect(mail.problems[0]).to.match(/^attachment 3: the attachments are larger than the parser reads/);
  });

  it("a truncated .msg gives an empty mail with a problem instead of throwing", () => {
    const whole = corpus("outlook-attachAndInline.msg");
    for (const length of [8, 512, 4096, 20000, whole.length - 800]) {
      const mail = readOutlookMsg(whole.subarray(0, length), DEFAULT_READ_LIMITS);
      expect(mail.subject, `cut at ${length}`).to.equal(null);
      expect(mail.parts).to.deep.equal([]);
      expect(mail.problems, `cut at ${length}`).to.have.length(1);
      expect(mail.problems[0]).to.match(/^Outlook \.msg: /);
    }
  });

  it("random bytes after the compound-file signature give a problem instead of throwing or looping", () => {
    let seed = 1;
    const nextByte = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    // 40 fixed pseudo-random files; among them are ones whose sector chains loop and ones that parse into nothing.
    for (let n = 0; n < 40; n++) {
      const content = Buffer.alloc(8192);
      for (let i = 0; i < content.length; i++) content[i] = nextByte();
      OLE_SIGNATURE.copy(content, 0);
      const mail = readOutlookMsg(content, DEFAULT_READ_LIMITS);
      expect(mail.problems, `file ${n}`).to.have.length(1);
      expect(mail.problems[0]).to.match(/^Outlook \.msg: /);
    }
  });

  it("a compound file whose directory sector chain points back to itself is reported, not followed forever", () => {
    const mail = readOutlookMsg(compoundFile([-3, 1], [{ type: 5 }]), DEFAULT_READ_LIMITS);
    expect(mail.problems).to.deep.equal(["Outlook .msg: the file is damaged or not an Outlook message (a sector chain loops)"]);
  });

  it("a compound file whose directory tree has a cycle is reported, not walked forever", () => {
    const mail = readOutlookMsg(
      compoundFile(
        [-3, -2],
        [
          { type: 5, child: 1 },
          { type: 2, next: 2 },
          { type: 2, previous: 1 },
        ],
      ),
      DEFAULT_READ_LIMITS,
    );
    expect(mail.problems).to.deep.equal(["Outlook .msg: the file is damaged or not an Outlook message (the directory tree loops)"]);
  });

  it("a well-formed compound file without message properties (a Word .doc, say) is not taken for a mail", () => {
    const mail = readOutlookMsg(compoundFile([-3, -2], [{ type: 5 }]), DEFAULT_READ_LIMITS);
    expect(mail.problems).to.deep.equal(["Outlook .msg: the file is damaged or not an Outlook message (the file holds no Outlook message properties)"]);
  });

  it("a MIME message handed over as a .msg gives a problem, not a throw", () => {
    const mail = readOutlookMsg(corpus("multipart-digest.eml"), DEFAULT_READ_LIMITS);
    expect(mail.problems).to.have.length(1);
    expect(mail.problems[0]).to.match(/^Outlook \.msg: /);
  });
});
