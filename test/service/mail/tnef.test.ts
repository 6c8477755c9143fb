import { expect } from "chai";
import iconv from "iconv-lite";
import { simpleParser } from "mailparser";
import { DEFAULT_READ_LIMITS, emptyMail, type ParsedMail, type ParsedPart } from "../../../service/features/mail/parsed-mail.ts";
import { isTnef, readTnef } from "../../../service/features/mail/tnef.ts";
import { corpus } from "../../support/fixtures.ts";

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const PDF_SIGNATURE = Buffer.from("%PDF-");

const read = (content: Buffer, limits = DEFAULT_READ_LIMITS) => readTnef(content, limits);
const startsWith = (content: Buffer, signature: Buffer) => content.subarray(0, signature.length).equals(signature);

/** The winmail.dat Outlook put into the rich-text sample mail, as a MIME reader hands it over. */
async function richTextWinmail(): Promise<Buffer> {
  const mail = await simpleParser(corpus("outlook-rich-text-with-winmail-dat-1mb.eml"));
  const winmail = mail.attachments.find((a) => a.contentType === "application/ms-tnef");
  expect(winmail, "the sample mail carries a winmail.dat").to.not.equal(undefined);
  return winmail!.content;
}

// A small TNEF writer, so the tests can make streams with exactly the structure (and damage) they need.

const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
const sum16 = (data: Buffer) => data.reduce((sum, byte) => (sum + byte) & 0xffff, 0);

const LEVEL_MESSAGE = 1;
const LEVEL_ATTACHMENT = 2;
const att = { subject: 0x00018004, dateSent: 0x00038005, body: 0x0002800c, data: 0x0006800f, title: 0x00018010, rendData: 0x00069002, msgProps: 0x00069003 };
const ATT_ATTACHMENT = 0x00069005;
const ATT_OEM_CODEPAGE = 0x00069007;

function attribute(level: number, id: number, data: Buffer, checksum = sum16(data)): Buffer {
  return Buffer.concat([Buffer.from([level]), u32(id), u32(data.length), data, u16(checksum)]);
}

const counted = (type: number, id: number, value: Buffer) => Buffer.concat([u16(type), u16(id), u32(1), u32(value.length), padded(value)]);
const string8Prop = (id: number, text: string, encoding = "windows-1252") =>
  counted(0x001e, id, Buffer.concat([iconv.encode(text, encoding), Buffer.from([0])]));
const unicodeProp = (id: number, text: string) => counted(0x001f, id, Buffer.from(`${text}\0`, "utf16le"));
const binaryProp = (id: number, value: Buffer) => counted(0x0102, id, value);
const objectProp = (id: number, value: Buffer) => counted(0x000d, id, value);
const longProp = (id: number, value: number) => Buffer.concat([u16(0x0003), u16(id), u32(value)]);
const booleanProp = (id: number, value: boolean) => Buffer.concat([u16(0x000b), u16(id), u16(value ? 1 : 0), u16(0)]);
/** A named property (GUID, kind 1, a UTF-16 name) holding a PT_LONG: the reader must step over its name. */
const namedProp = (name: string) => {
  const nameBytes = Buffer.from(`${name}\0`, "utf16le");
  return Buffer.concat([u16(0x0003), u16(0x8001), Buffer.alloc(16, 0xab), u32(1), u32(nameBytes.length), padded(nameBytes), u32(7)]);
};
/** A PT_MV_STRING8 of two values and a PT_MV_I2 of three: counted, and each value padded. */
const multiValuedProps = () => [
  Buffer.concat([u16(0x101e), u16(0x0e58), u32(2), u32(3), padded(Buffer.from("ab\0")), u32(6), padded(Buffer.from("cdefg\0"))]),
  Buffer.concat([u16(0x1002), u16(0x0e59), u32(3), u16(1), u16(0), u16(2), u16(0), u16(3), u16(0)]),
];
const properties = (...props: Buffer[]) => Buffer.concat([u32(props.length), ...props]);

/** attDateSent's DTR: year, month, day, hour, minute, second, weekday. */
const dtr = (...fields: number[]) => Buffer.concat(fields.map(u16));

const tnef = (...attributes: Buffer[]) => Buffer.concat([u32(0x223e9f78), u16(0x0001), ...attributes]);

const PR = {
  subject: 0x0037,
  body: 0x1000,
  html: 0x1013,
  messageId: 0x1035,
  displayName: 0x3001,
  data: 0x3701,
  shortName: 0x3704,
  method: 0x3705,
  longName: 0x3707,
};
const PR_MIME_TAG = 0x370e;
const PR_CONTENT_ID = 0x3712;
const PR_HIDDEN = 0x7ffe;

interface AttachmentSketch {
  shortName: string;
  longName?: string;
  data: Buffer;
  props?: Buffer[];
}

/** An attachment as Outlook writes one: attAttachRendData, attAttachTitle, attAttachData, then attAttachment. */
function attachment({ shortName, longName, data, props = [] }: AttachmentSketch): Buffer {
  const mapi = [...multiValuedProps(), string8Prop(PR.shortName, shortName), ...(longName ? [unicodeProp(PR.longName, longName)] : []), ...props];
  return Buffer.concat([
    attribute(LEVEL_ATTACHMENT, att.rendData, Buffer.alloc(14)),
    attribute(LEVEL_ATTACHMENT, att.title, Buffer.from(`${shortName}\0`)),
    attribute(LEVEL_ATTACHMENT, att.data, data),
    attribute(LEVEL_ATTACHMENT, ATT_ATTACHMENT, properties(...mapi)),
  ]);
}

/** An Outlook item attached to a message: PR_ATTACH_DATA_OBJ holds IID_IMessage and then the item's own TNEF stream. */
function embedded(subject: string, stream: Buffer): Buffer {
  const object = Buffer.concat([Buffer.from("07030200000000000000c00000000046", "hex"), stream]);
  return Buffer.concat([
    attribute(LEVEL_ATTACHMENT, att.rendData, Buffer.alloc(14)),
    attribute(LEVEL_ATTACHMENT, att.title, Buffer.from("Untitled Attachment\0")),
    attribute(LEVEL_ATTACHMENT, ATT_ATTACHMENT, properties(string8Prop(PR.displayName, subject), objectProp(PR.data, object), longProp(PR.method, 5))),
  ]);
}

const message = (subject: string, ...rest: Buffer[]) =>
  tnef(attribute(LEVEL_MESSAGE, att.subject, Buffer.from(`${subject}\0`)), attribute(LEVEL_MESSAGE, att.msgProps, properties(longProp(0x3fde, 1252))), ...rest);

const pdf = Buffer.concat([PDF_SIGNATURE, Buffer.from("1.4\n% a small PDF\n%%EOF\n")]);
const report = attachment({ shortName: "KVARTA~1.PDF", longName: "Kvartalsrapport for Ærø Kommune.pdf", data: pdf });
const jpeg = Buffer.concat([JPEG_SIGNATURE, Buffer.alloc(40, 7)]);
const photo = attachment({ shortName: "PHOTO.JPG", data: jpeg });

/** The parts as they compare across readings: everything but the message read from an embedded one. */
const comparable = (parts: ParsedPart[]) =>
  parts.map(({ kind, filename, mediaType, contentId, content }) => ({ kind, filename, mediaType, contentId, content: content.toString("hex") }));

describe("TNEF (winmail.dat) reader", () => {
  it("recognises a winmail.dat by its signature and anything else as not TNEF", async () => {
    expect(isTnef(corpus("winmail.dat"))).to.equal(true);
    expect(isTnef(await richTextWinmail())).to.equal(true);
    expect(isTnef(corpus("multipart-digest.eml"))).to.equal(false);
    expect(isTnef(Buffer.from([0x78, 0x9f, 0x3e]))).to.equal(false);
  });

  it("bytes that are not TNEF read as an empty mail with the reason", () => {
    const mail = read(corpus("multipart-digest.eml"));
    expect(mail).to.deep.equal({ ...emptyMail(), problems: ["TNEF: the data does not start with the TNEF signature"] });
  });

  it("Outlook's standalone winmail.dat: an RTF-only body (no text) and two OLE picture objects as their storage files", () => {
    const mail = read(corpus("winmail.dat"));
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject, "the stream has neither attSubject nor PR_SUBJECT").to.equal(null);
    expect(mail.text, "only PR_RTF_COMPRESSED, which is not unpacked").to.equal(null);
    expect(mail.html).to.equal(null);
    expect(mail.messageId).to.equal(null);
    expect(mail.parts.map((p) => [p.kind, p.filename, p.mediaType, p.content.length])).to.deep.equal([
      ["file", "Picture (Device Independent Bitmap)", "application/octet-stream", 29184],
      ["file", "Picture (Device Independent Bitmap)", "application/octet-stream", 68608],
    ]);
    for (const part of mail.parts) expect(startsWith(part.content, OLE_SIGNATURE), "an OLE object is kept as its compound-file storage").to.equal(true);
  });

  it("the winmail.dat inside Outlook's rich-text mail gives the kitten picture its long name and reads both attached Outlook items", async () => {
    const mail = read(await richTextWinmail());
    expect(mail.problems).to.deep.equal([]);
    const [kitten, trainTable, celebration] = mail.parts;
    expect(mail.parts).to.have.length(3);
    expect(kitten).to.include({ kind: "file", filename: "kitten-playing-with-a-christmas-tree.jpg", mediaType: "image/jpeg", contentId: null });
    expect(kitten.content).to.have.length(375081);
    expect(startsWith(kitten.content, JPEG_SIGNATURE)).to.equal(true);

    expect(trainTable).to.include({ kind: "message", filename: "Build a train table", mediaType: "application/vnd.ms-tnef" });
    expect(isTnef(trainTable.content), "the part holds the item's own TNEF stream").to.equal(true);
    expect(trainTable.message).to.include({ subject: "Build a train table", sentAt: "2018-12-15T09:37:31.000Z" });
    expect(trainTable.message!.text).to.equal("Build my nephew an HO-scale train table for Christmas.\r\n\r\n");
    expect(trainTable.message!.parts).to.deep.equal([]);

    expect(celebration.kind).to.equal("message");
    expect(celebration.message).to.include({ subject: "Christmas Celebration!", text: "It's time for everyone to open their Christmas presents!\r\n" });
    expect(comparable(celebration.message!.parts)).to.deep.equal(comparable([kitten]));
  });

  it("a stream with one attachment: message fields from attributes and MAPI properties, named and multi-valued properties stepped over", () => {
    const html = '<p>Se vedhæftede <img src="cid:logo@kommune.dk"></p>';
    const logo = attachment({
      shortName: "LOGO.PNG",
      data: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      props: [string8Prop(PR_MIME_TAG, "Image/PNG"), string8Prop(PR_CONTENT_ID, "<logo@kommune.dk>"), booleanProp(PR_HIDDEN, true)],
    });
    const stream = tnef(
      attribute(LEVEL_MESSAGE, ATT_OEM_CODEPAGE, Buffer.concat([u32(1252), u32(0)])),
      attribute(LEVEL_MESSAGE, att.subject, Buffer.from("Old subject\0")),
      attribute(LEVEL_MESSAGE, att.dateSent, dtr(2024, 3, 5, 14, 30, 9, 2)),
      attribute(LEVEL_MESSAGE, att.body, iconv.encode("Hej Søren\r\n", "windows-1252")),
      attribute(
        LEVEL_MESSAGE,
        att.msgProps,
        properties(
          namedProp("Keywords"),
          ...multiValuedProps(),
          unicodeProp(PR.subject, "Høring: vejplan for Ærø"),
          binaryProp(PR.html, Buffer.from(html)),
          longProp(0x3fde, 65001),
          string8Prop(PR.messageId, "<abc123@mail.kommune.dk>"),
        ),
      ),
      logo,
    );
    const mail = read(stream);
    expect(mail.problems).to.deep.equal([]);
    expect(mail.subject, "PR_SUBJECT in Unicode wins over attSubject").to.equal("Høring: vejplan for Ærø");
    expect(mail.text, "attBody in the OEM code page").to.equal("Hej Søren\r\n");
    expect(mail.html, "PR_HTML in the internet code page").to.equal(html);
    expect(mail.messageId).to.equal("<abc123@mail.kommune.dk>");
    expect(mail.sentAt).to.equal("2024-03-05T14:30:09.000Z");
    expect(comparable(mail.parts)).to.deep.equal([
      { kind: "inline", filename: "LOGO.PNG", mediaType: "image/png", contentId: "logo@kommune.dk", content: "89504e47" },
    ]);
  });

  it("8-bit strings are read in the code page attOemCodepage names, and a file's type is guessed from its long name", () => {
    const stream = tnef(
      attribute(LEVEL_MESSAGE, ATT_OEM_CODEPAGE, Buffer.concat([u32(1251), u32(0)])),
      attribute(LEVEL_MESSAGE, att.msgProps, properties(string8Prop(PR.subject, "Отчёт", "windows-1251"))),
      attribute(LEVEL_MESSAGE, att.dateSent, dtr(2024, 13, 40, 0, 0, 0, 0)),
      report,
    );
    const mail = read(stream);
    expect(mail.subject).to.equal("Отчёт");
    expect(mail.sentAt, "month 13 is no date").to.equal(null);
    expect(mail.messageId, "attMessageID is no Message-ID, and PR_INTERNET_MESSAGE_ID is absent").to.equal(null);
    expect(comparable(mail.parts)).to.deep.equal([
      { kind: "file", filename: "Kvartalsrapport for Ærø Kommune.pdf", mediaType: "application/pdf", contentId: null, content: pdf.toString("hex") },
    ]);
  });

  it("a stream cut inside any attribute never throws, says so and lists only the attachments complete before the cut", () => {
    const whole = message("Cut", report, photo);
    const complete = comparable(read(whole).parts);
    expect(complete.map((p) => p.filename)).to.deep.equal(["Kvartalsrapport for Ærø Kommune.pdf", "PHOTO.JPG"]);
    // A stream cut exactly between two attributes looks like one that ends there: nothing says it was longer.
    const boundaries = new Set<number>();
    for (let at = 6; at < whole.length; at += 11 + whole.readUInt32LE(at + 5)) boundaries.add(at);
    for (let cut = 0; cut < whole.length; cut++) {
      const mail = read(whole.subarray(0, cut));
      if (boundaries.has(cut)) continue;
      expect(mail.problems, `cut at ${cut}`).to.have.length(1);
      expect(complete.slice(0, mail.parts.length), `cut at ${cut}`).to.deep.equal(comparable(mail.parts));
    }
  });

  it("a cut inside an attachment's data drops that attachment, keeps the ones before and says where the stream ends", () => {
    const start = message("Cut").length;
    const inFirst = read(message("Cut", report, photo).subarray(0, start + 60));
    expect(inFirst.subject).to.equal("Cut");
    expect(inFirst.parts).to.deep.equal([]);
    expect(inFirst.problems).to.deep.equal([`TNEF: attribute at offset ${start + 25 + 24} runs past the end; the attachment it belongs to is not listed`]);

    const inSecond = read(message("Cut", report, photo).subarray(0, start + report.length + 60));
    expect(inSecond.parts.map((p) => p.filename)).to.deep.equal(["Kvartalsrapport for Ærø Kommune.pdf"]);
    expect(inSecond.problems).to.have.length(1);
    expect(inSecond.problems[0]).to.match(/^TNEF: attribute at offset \d+ runs past the end/);
  });

  it("an attribute whose length claims four gigabytes runs past the end rather than being allocated", () => {
    const damaged = Buffer.from(message("Huge", report));
    damaged.writeUInt32LE(0xffffffff, 6 + 5);
    const mail = read(damaged);
    expect(mail.problems).to.deep.equal(["TNEF: attribute at offset 6 runs past the end"]);
    expect(mail.parts).to.deep.equal([]);
  });

  it("a property count of four billion is damage: the properties read before it are kept", () => {
    const props = Buffer.concat([u32(0xffffffff), string8Prop(PR.subject, "Kept")]);
    const mail = read(tnef(attribute(LEVEL_MESSAGE, att.msgProps, props)));
    expect(mail.subject).to.equal("Kept");
    expect(mail.problems).to.deep.equal(["TNEF: the MAPI properties of the message run past the end of their attribute; 1 of them were read"]);
  });

  it("a property of an unknown type stops the property list there", () => {
    const props = properties(string8Prop(PR.subject, "Before"), Buffer.concat([u16(0x0099), u16(0x6000), u32(1)]), string8Prop(PR.body, "After"));
    const mail = read(tnef(attribute(LEVEL_MESSAGE, att.msgProps, props)));
    expect(mail).to.include({ subject: "Before", text: null });
    expect(mail.problems).to.deep.equal(["TNEF: the MAPI properties of the message hold a property of unknown type 0x0099; 1 of them were read"]);
  });

  it("a wrong checksum is reported and the attribute's data kept", () => {
    const pdfData = attribute(LEVEL_ATTACHMENT, att.data, pdf, sum16(pdf) ^ 0x0101);
    const stream = message(
      "Checksum",
      attribute(LEVEL_ATTACHMENT, att.rendData, Buffer.alloc(14)),
      attribute(LEVEL_ATTACHMENT, att.title, Buffer.from("REPORT.PDF\0")),
      pdfData,
    );
    const mail = read(stream);
    expect(mail.problems).to.have.length(1);
    expect(mail.problems[0]).to.match(/^TNEF: checksum mismatch in attribute attAttachData at offset \d+; its data is kept$/);
    expect(comparable(mail.parts)).to.deep.equal([
      { kind: "file", filename: "REPORT.PDF", mediaType: "application/pdf", contentId: null, content: pdf.toString("hex") },
    ]);
  });

  it("a message forwarded inside a forwarded message is read two levels down", () => {
    const inner = message("Inner", report);
    const middle = message("Middle", embedded("Inner", inner));
    const outer = read(message("Outer", embedded("Middle", middle)));
    expect(outer.problems).to.deep.equal([]);
    const [middlePart] = outer.parts;
    expect(middlePart).to.include({ kind: "message", filename: "Middle", mediaType: "application/vnd.ms-tnef" });
    expect(middlePart.content.equals(middle)).to.equal(true);
    const [innerPart] = middlePart.message!.parts;
    expect(middlePart.message!.subject).to.equal("Middle");
    expect(innerPart).to.include({ kind: "message", filename: "Inner" });
    expect(innerPart.content.equals(inner)).to.equal(true);
    expect(innerPart.message!.subject).to.equal("Inner");
    expect(innerPart.message!.parts.map((p) => p.filename)).to.deep.equal(["Kvartalsrapport for Ærø Kommune.pdf"]);
  });

  it("a message nested deeper than limits.maxDepth is kept as a file, not read", () => {
    const middle = message("Middle", embedded("Inner", message("Inner", report)));
    const outer = readTnef(message("Outer", embedded("Middle", middle)), { ...DEFAULT_READ_LIMITS, maxDepth: 1 });
    const middleMail = outer.parts[0].message!;
    expect(middleMail.subject).to.equal("Middle");
    const [innerPart] = middleMail.parts;
    expect(innerPart).to.include({ kind: "file", filename: "Inner", mediaType: "application/vnd.ms-tnef" });
    expect(innerPart.message).to.equal(undefined);
    expect(isTnef(innerPart.content)).to.equal(true);
    expect(middleMail.problems).to.deep.equal(["TNEF: attachment 1: an attached message nested deeper than 1 levels is kept as a file, not read"]);
  });

  it("limits.maxParts counts nested parts too and stops the listing", () => {
    const stream = message("Many", report, embedded("Inner", message("Inner", photo, report)), photo);
    const mail = readTnef(stream, { ...DEFAULT_READ_LIMITS, maxParts: 3 });
    expect(mail.parts.map((p) => p.kind)).to.deep.equal(["file", "message"]);
    const inner: ParsedMail = mail.parts[1].message!;
    expect(inner.parts.map((p) => p.filename)).to.deep.equal(["PHOTO.JPG"]);
    expect(inner.problems).to.deep.equal(["TNEF: more than 3 parts; the rest are not listed"]);
    expect(mail.problems).to.deep.equal(["TNEF: more than 3 parts; the rest are not listed"]);
  });

  it("limits.maxBytes stops the listing at the first attachment that does not fit", () => {
    const maxBytes = jpeg.length + pdf.length - 1;
    const mail = readTnef(message("Large", photo, report), { ...DEFAULT_READ_LIMITS, maxBytes });
    expect(mail.parts.map((p) => p.filename)).to.deep.equal(["PHOTO.JPG"]);
    expect(mail.problems).to.deep.equal([`TNEF: the attachments are larger than the parser reads (${maxBytes} bytes); the rest are not listed`]);
  });

  it("returned parts are copies: the stream they came from can be reused", () => {
    const stream = message("Copy", report);
    const [part] = read(stream).parts;
    stream.fill(0);
    expect(startsWith(part.content, PDF_SIGNATURE)).to.equal(true);
  });

  it("the real winmail.dat with bytes overwritten anywhere never throws", () => {
    const original = corpus("winmail.dat");
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const damaged = Buffer.from(original);
      for (let i = 0; i < 8; i++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      damaged.writeUInt32LE(0x223e9f78, 0);
      const mail = read(damaged);
      const returned = mail.parts.reduce((total, part) => total + part.content.length, 0);
      expect(returned, "no part is larger than the bytes it came from").to.be.at.most(damaged.length);
    }
  });
});
