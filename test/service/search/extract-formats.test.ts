import crypto from "node:crypto";
import fs from "node:fs";
import zlib from "node:zlib";
import { expect } from "chai";
import { extractText } from "../../../service/features/search/extract/extract.ts";
import { refusal, writePdf, type PdfObject } from "../../support/extract-files.ts";
import { corpus, fixture } from "../../support/fixtures.ts";

// PDF, Word 97-2003 and mail, read in this process (the pool is tested in extract-pool.test.ts). Real files
// come from the corpus; encrypted, damaged and hostile ones are built here, so that each one is plainly what
// it claims to be.

const PDF = { filename: "forside.pdf", mediaType: "application/pdf" };
const DOC = { filename: "journal.doc", mediaType: "application/msword" };
const EML = { filename: "mail.eml", mediaType: "message/rfc822" };
const MSG = { filename: "mail.msg", mediaType: "application/vnd.ms-outlook" };
const MiB = 1024 * 1024;

// --- A small PDF writer: pages of text lines, optionally deflated, optionally under the standard security handler (RC4, 40 bits).

const pdfString = (text: string): string => `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
const pageContent = (lines: string[]): Buffer =>
  Buffer.from(lines.map((line, i) => `BT /F1 12 Tf 72 ${760 - i * 16} Td ${pdfString(line)} Tj ET`).join("\n"), "latin1");

interface TextPdfOptions {
  deflate?: boolean;
  /** Under the standard security handler, revision 2, with this user password ("" opens without asking). */
  userPassword?: string;
}

/** A PDF with one page per entry of `pages`, each a list of lines in Helvetica (WinAnsi, so æ, ø and å). */
function textPdf(pages: string[][], options: TextPdfOptions = {}): Buffer {
  const objects: PdfObject[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + 2 * i} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  for (const [i, lines] of pages.entries()) {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`);
    const content = pageContent(lines);
    objects.push(options.deflate ? { dictionary: "/Filter /FlateDecode", data: zlib.deflateSync(content) } : { dictionary: "", data: content });
  }
  if (options.userPassword === undefined) return writePdf(objects);
  const security = standardSecurity(options.userPassword, "ejer-" + options.userPassword);
  objects.push(security.dictionary);
  return writePdf(objects, `/Encrypt ${objects.length} 0 R /ID [<${security.fileId}> <${security.fileId}>]`, security.encrypt);
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

/** The standard security handler, revision 2 (PDF 1.7, 7.6.3, algorithms 2, 3 and 4): 40-bit RC4. */
function standardSecurity(userPassword: string, ownerPassword: string) {
  const PAD = Buffer.from("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a", "hex");
  const padded = (password: string) => Buffer.concat([Buffer.from(password, "latin1"), PAD]).subarray(0, 32);
  const md5 = (...parts: Buffer[]) => crypto.createHash("md5").update(Buffer.concat(parts)).digest();
  const permissions = -4;
  const fileId = crypto.randomBytes(16);
  const owner = rc4(md5(padded(ownerPassword)).subarray(0, 5), padded(userPassword));
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = md5(padded(userPassword), owner, p, fileId).subarray(0, 5);
  const user = rc4(key, PAD);
  const encrypt = (data: Buffer, objectNumber: number) => {
    const number = Buffer.alloc(5);
    number.writeUIntLE(objectNumber, 0, 3);
    return rc4(md5(key, number).subarray(0, 10), data);
  };
  return {
    dictionary: `<< /Filter /Standard /V 1 /R 2 /Length 40 /O <${owner.toString("hex")}> /U <${user.toString("hex")}> /P ${permissions} >>`,
    fileId: fileId.toString("hex"),
    encrypt,
  };
}

/** One page whose content stream is `deflated` (already compressed), through `filters` FlateDecode filters. */
function pdfWithContent(deflated: Buffer, filters = 1): Buffer {
  return writePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    { dictionary: `/Filter [${" /FlateDecode".repeat(filters)} ]`, data: deflated },
  ]);
}

// --- A small MIME writer: a message with base64 attachments.

interface Attachment {
  filename: string;
  mediaType: string;
  content: Buffer;
}

function eml(subject: string, body: string, attachments: Attachment[] = []): Buffer {
  const boundary = `graense-${crypto.randomBytes(6).toString("hex")}`;
  const word = (text: string) => `=?utf-8?B?${Buffer.from(text).toString("base64")}?=`;
  const headers = [
    `From: ${word("Søren Sagsbehandler")} <soren@kommune.example.dk>`,
    `To: ${word("Åse Borger")} <aase@example.dk>, kontor@example.dk`,
    "Cc: Jens Jura <jens@advokat.example.dk>",
    `Subject: ${word(subject)}`,
    "Date: Tue, 2 Dec 2025 10:00:00 +0100",
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const part = (head: string, content: Buffer) => [Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), content, Buffer.from("\r\n")];
  const base64 = (content: Buffer) => Buffer.from((content.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n"));
  return Buffer.concat([
    Buffer.from(`${headers.join("\r\n")}\r\n\r\n`),
    ...part("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64", base64(Buffer.from(body))),
    ...attachments.flatMap((a) => {
      const disposition = `Content-Type: ${a.mediaType}; name="${word(a.filename)}"\r\nContent-Disposition: attachment; filename="${word(a.filename)}"`;
      return a.mediaType === "message/rfc822"
        ? part(`${disposition}\r\nContent-Transfer-Encoding: 8bit`, a.content)
        : part(`${disposition}\r\nContent-Transfer-Encoding: base64`, base64(a.content));
    }),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

const textFile = (filename: string, text: string): Attachment => ({ filename, mediaType: "text/plain", content: Buffer.from(text) });

describe("text extraction: PDF, Word 97-2003 and mail", () => {
  describe("PDF", () => {
    it("a real PDF rendered by Google Docs gives its text", async () => {
      const { text, truncated } = await extractText(fs.readFileSync(fixture("search/google-docs-skia-file-1.pdf")), PDF);
      expect(text).to.equal("file-1.pdf");
      expect(truncated).to.equal(false);
    });

    it("the demo cover page gives its Danish lines in order", async () => {
      const { text } = await extractText(corpus("forside-styrelsen-for-it-og-laering.pdf"), PDF);
      expect(text).to.equal(
        "Forside\nStyrelsen for It og Læring\nOptagelse på ungdomsuddannelse, skoleåret 2019/20\nElev 3 — dokumenter fra Optagelse.dk\n" +
          "Demodokument til IMS Case. Indeholder ingen personoplysninger.",
      );
    });

    it("pages come in order, each after an empty line, deflated or not", async () => {
      const pages = [["Side et om byggesagen"], ["Side to: Ærø Kommune"], ["Side tre"]];
      for (const deflate of [false, true]) {
        expect((await extractText(textPdf(pages, { deflate }), PDF)).text).to.equal("Side et om byggesagen\n\nSide to: Ærø Kommune\n\nSide tre");
      }
    });

    it("pages past maxPages are not read and the result says it was truncated", async () => {
      const pages = Array.from({ length: 5 }, (_, i) => [`Side ${i + 1}`]);
      expect(await extractText(textPdf(pages), PDF, { maxPages: 2 })).to.deep.equal({ text: "Side 1\n\nSide 2", truncated: true });
    });

    it("text past maxChars is cut off and the rest of the document is not read", async () => {
      const pages = Array.from({ length: 50 }, (_, i) => Array.from({ length: 40 }, (_, j) => `Linje ${j} på side ${i + 1}`));
      const { text, truncated } = await extractText(textPdf(pages, { deflate: true }), PDF, { maxChars: 300 });
      expect(truncated).to.equal(true);
      expect(text.length).to.be.at.most(300);
      expect(text).to.match(/^Linje 0 på side 1\nLinje 1 på side 1\n/);
    });

    it("a PDF that asks for a password is skipped as encrypted", async () => {
      const locked = textPdf([["Fortroligt: lønforhandling"]], { userPassword: "hemmelig" });
      expect(locked.includes("Fortroligt")).to.equal(false);
      expect(await refusal(extractText(locked, PDF))).to.include({ status: "skipped", reason: "encrypted" });
    });

    it("an encrypted PDF with an empty user password opens without one, so its text is read", async () => {
      const open = textPdf([["Kun ejeren må redigere"]], { userPassword: "" });
      expect(open.includes("redigere")).to.equal(false);
      expect((await extractText(open, PDF)).text).to.equal("Kun ejeren må redigere");
    });

    it("bytes that are not a PDF fail as a damaged PDF", async () => {
      for (const bytes of [Buffer.from("Dette er ikke en PDF, bare tekst med forkert endelse"), Buffer.alloc(0)]) {
        const error = await refusal(extractText(bytes, PDF));
        expect(error.status).to.equal("failed");
        expect(error.reason).to.match(/^damaged PDF: /);
      }
    });

    describe("PDF bombs", () => {
      let zeros200MiB: Buffer;
      before(() => {
        zeros200MiB = zlib.deflateSync(Buffer.alloc(200 * MiB), { level: 9 });
      });

      it("a 200 KB PDF whose page inflates to 200 MiB is refused before pdf.js inflates it", async () => {
        const bomb = pdfWithContent(zeros200MiB);
        expect(bomb.length).to.be.below(1 * MiB);
        expect(await refusal(extractText(bomb, PDF))).to.include({ status: "failed", reason: "PDF bomb: its streams inflate past 64 MiB" });
      });

      it("a stream deflated twice is counted through both filters", async () => {
        const twice = zlib.deflateSync(zeros200MiB);
        expect(await refusal(extractText(pdfWithContent(twice, 2), PDF))).to.include({ reason: "PDF bomb: its streams inflate past 64 MiB" });
      });

      it("the inflate budget is shared by all the streams, not given to each", async () => {
        const pages = Array.from({ length: 4 }, (_, i) => [`Side ${i + 1} `.repeat(50_000)]);
        const pdf = textPdf(pages, { deflate: true });
        expect((await extractText(pdf, PDF, { maxInflatedBytes: 4 * MiB })).text).to.match(/^Side 1 /);
        expect(await refusal(extractText(pdf, PDF, { maxInflatedBytes: 1 * MiB }))).to.include({ reason: "PDF bomb: its streams inflate past 1 MiB" });
      });
    });
  });

  describe("Word 97-2003", () => {
    it("a real .doc gives its body, then its footer", async () => {
      const { text, truncated } = await extractText(corpus("Sundhedsjournal.doc"), DOC);
      expect(text).to.match(/^Patienten Jens Testsen rapporterer, at han har haft uafbrudt hovedpine/);
      expect(text).to.include("Henvist til mikrokirurgisk afdeling.");
      expect(text).to.include("Region Nordstrand NORDSTRAND SYGEHUS 2021-10-19");
      expect(text.indexOf("Henvist")).to.be.below(text.indexOf("NORDSTRAND"));
      expect(truncated).to.equal(false);
    });

    it("a .doc is cut at maxChars", async () => {
      expect(await extractText(corpus("Sundhedsjournal.doc"), DOC, { maxChars: 18 })).to.deep.equal({ text: "Patienten Jens Tes", truncated: true });
    });

    it("a .docx saved under a .doc name is read as the .docx it is", async () => {
      expect((await extractText(corpus("Flere sider.docx"), DOC)).text).to.include("1111111118");
    });

    /** The file with its WordDocument stream's FIB flags changed: the stream (here in the 64-byte mini sectors) starts with the FIB's magic number 0xA5EC. */
    function withFibFlags(doc: Buffer, flags: number): Buffer {
      const copy = Buffer.from(doc);
      for (let at = 512; at < copy.length; at += 64) {
        if (copy.readUInt16LE(at) === 0xa5ec) {
          copy.writeUInt16LE(copy.readUInt16LE(at + 0x0a) | flags, at + 0x0a);
          return copy;
        }
      }
      throw new Error("no FIB found");
    }

    it("a .doc whose FIB says it is encrypted is skipped, not read as noise", async () => {
      expect(await refusal(extractText(withFibFlags(corpus("Sundhedsjournal.doc"), 0x0100), DOC))).to.include({ status: "skipped", reason: "encrypted" });
      expect(await refusal(extractText(withFibFlags(corpus("Sundhedsjournal.doc"), 0x8000), DOC))).to.include({ status: "skipped", reason: "encrypted" });
    });

    it("a .doc cut short, or not a compound file at all, fails as damaged", async () => {
      const cut = await refusal(extractText(corpus("Sundhedsjournal.doc").subarray(0, 3000), DOC));
      expect(cut.status).to.equal("failed");
      expect(cut.reason).to.match(/^damaged Word 97-2003 document: /);
      expect(await refusal(extractText(Buffer.from("bare tekst"), DOC))).to.include({ status: "failed", reason: "not a Word 97-2003 document" });
    });

    it("a .doc whose sector chain loops fails instead of filling the heap", async () => {
      // The directory's first sector and sector 0 made to point at each other in the first allocation table sector.
      const doc = Buffer.from(corpus("Sundhedsjournal.doc"));
      const directory = doc.readInt32LE(48);
      const table = (doc.readInt32LE(76) + 1) * 512;
      expect(directory).to.not.equal(0);
      doc.writeInt32LE(0, table + directory * 4);
      doc.writeInt32LE(directory, table);
      expect(await refusal(extractText(doc, DOC))).to.include({ status: "failed", reason: "damaged Word 97-2003 document: a sector chain loops" });
    });

    it("a header that claims more allocation table sectors than the file has is refused before anything is allocated", async () => {
      const doc = Buffer.from(corpus("Sundhedsjournal.doc"));
      doc.writeInt32LE(4_000_000, 44);
      expect(await refusal(extractText(doc, DOC))).to.include({ reason: "damaged Word 97-2003 document: its allocation tables are larger than the file" });
    });
  });

  describe("mail", () => {
    it("a real Gmail message gives subject, sender, recipients, body, attachment names and the attached .odt's text", async () => {
      const { text, leftOut } = await extractText(corpus("da-gmail-inline-image-and-attached-odt.eml"), EML);
      expect(text).to.match(/^Mail med inline billede og vedhæftet fil\nPaw Møller <pawsen@gmail.com>\n/);
      expect(text).to.include("Denne mail har et inline billede, cpr.jpg");
      expect(text).to.include("\ncpr.jpg\nembedded-cpr.odt\n");
      // From the .odt attachment.
      expect(text).to.include("Kære Hr. Testsen,");
      expect(text).to.include("Vedhæftet finder De et billede af et CPR-nummer.");
      expect(leftOut).to.deep.equal(["cpr.jpg: skipped, unsupported format"]);
    });

    it("a real message with a PDF attachment gives the PDF's text after the body", async () => {
      const { text } = await extractText(corpus("boundary-single-dash.eml"), EML);
      expect(text).to.match(/^Test bad boundary\ntest@mail.com\ntest_1@mail.com\n\nThis message may contain an attachment in a PDF format\./);
      expect(text).to.match(/\nfile\.pdf\n\nfile-1\.pdf$/);
    });

    it("a .docx and a PDF attached to a mail are read, and names and addresses are searchable", async () => {
      const mail = eml("Byggesag 2025-117: høringssvar", "Hermed vores høringssvar.", [
        {
          filename: "Flere sider.docx",
          mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          content: corpus("Flere sider.docx"),
        },
        { filename: "forside.pdf", mediaType: "application/octet-stream", content: corpus("forside-styrelsen-for-it-og-laering.pdf") },
      ]);
      const { text, leftOut } = await extractText(mail, EML);
      expect(text).to.include("Byggesag 2025-117: høringssvar\nSøren Sagsbehandler <soren@kommune.example.dk>\n");
      expect(text).to.include("Åse Borger <aase@example.dk>, kontor@example.dk\nJens Jura <jens@advokat.example.dk>");
      expect(text).to.include("Flere sider.docx\nforside.pdf");
      expect(text).to.include("1111111118");
      expect(text).to.include("Styrelsen for It og Læring");
      expect(leftOut).to.equal(undefined);
    });

    it("an HTML-only mail gives the text of its HTML", async () => {
      const mail = Buffer.from(
        "From: a@example.dk\r\nSubject: Referat\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
          "<html><body><h1>Mødereferat</h1><p>Deltagere: Søren og Åse</p><script>var skjult = 1;</script></body></html>\r\n",
      );
      const { text } = await extractText(mail, EML);
      expect(text).to.include("Deltagere: Søren og Åse");
      expect(text).not.to.include("skjult");
    });

    it("an attachment that cannot be read is left out and said so, and the mail is still read", async () => {
      const mail = eml("Bilag", "Se vedhæftede.", [
        { filename: "rapport.pdf", mediaType: "application/pdf", content: Buffer.from("ikke en pdf") },
        { filename: "låst.pdf", mediaType: "application/pdf", content: textPdf([["Hemmeligt"]], { userPassword: "kode" }) },
        textFile("noter.txt", "Husk mødet torsdag"),
      ]);
      const { text, leftOut } = await extractText(mail, EML);
      expect(text).to.include("Se vedhæftede.");
      expect(text).to.include("Husk mødet torsdag");
      expect(leftOut).to.have.length(2);
      expect(leftOut![0]).to.match(/^rapport\.pdf: failed, damaged PDF: /);
      expect(leftOut![1]).to.equal("låst.pdf: skipped, encrypted");
    });

    it("attached mails are read to maxDepth levels, and what lies deeper is left out and said so", async () => {
      const innermost = eml("Tredje niveau", "Den inderste mail.", [textFile("dybt.txt", "Dybt begravet tekst")]);
      const middle = eml("Andet niveau", "Den midterste mail.", [{ filename: "inderst.eml", mediaType: "message/rfc822", content: innermost }]);
      const outer = eml("Første niveau", "Den yderste mail.", [{ filename: "midt.eml", mediaType: "message/rfc822", content: middle }]);

      const all = await extractText(outer, EML);
      expect(all.text).to.include("Den midterste mail.");
      expect(all.text).to.include("Den inderste mail.");
      expect(all.text).to.include("Dybt begravet tekst");

      const two = await extractText(outer, EML, { maxDepth: 2 });
      expect(two.text).to.include("Den inderste mail.");
      expect(two.text).to.include("dybt.txt");
      expect(two.text).not.to.include("Dybt begravet tekst");
      expect(two.leftOut).to.deep.equal(["dybt.txt: inside the file deeper than 2 levels, not read"]);

      const none = await extractText(outer, EML, { maxDepth: 0 });
      expect(none.text).to.include("Den yderste mail.");
      expect(none.text).to.include("midt.eml");
      expect(none.text).not.to.include("Andet niveau");
    });

    it("a mail attached as a plain file (an .eml as application/octet-stream) is read as a mail", async () => {
      const inner = eml("Videresendt", "Teksten i den videresendte mail.");
      const outer = eml("Fwd", "Se den vedhæftede mail.", [{ filename: "original.eml", mediaType: "application/octet-stream", content: inner }]);
      expect((await extractText(outer, EML)).text).to.include("Teksten i den videresendte mail.");
    });

    it("one character budget covers the mail and all its attachments", async () => {
      const mail = eml("Tre bilag", "Kort tekst.", [
        textFile("a.txt", "A".repeat(1000)),
        textFile("b.txt", "B".repeat(1000)),
        textFile("c.txt", "C".repeat(1000)),
      ]);
      const { text, truncated } = await extractText(mail, EML, { maxChars: 1500 });
      expect(truncated).to.equal(true);
      expect(text.length).to.be.at.most(1500);
      expect(text).to.include("A".repeat(1000));
      expect(text).to.include("BBB");
      expect(text).not.to.include("C");
    });

    it("one inflate budget covers all the attachments: the second of two PDFs that each fit alone is left out", async () => {
      const big = (n: number) => textPdf([[`Bilag ${n} `.repeat(80_000)]], { deflate: true });
      const mail = eml("To store bilag", "Se vedhæftede.", [
        { filename: "første.pdf", mediaType: "application/pdf", content: big(1) },
        { filename: "andet.pdf", mediaType: "application/pdf", content: big(2) },
      ]);
      const { text, leftOut } = await extractText(mail, EML, { maxInflatedBytes: 1 * MiB, maxChars: 2_000_000 });
      expect(text).to.include("Bilag 1 Bilag 1");
      expect(text).not.to.include("Bilag 2 Bilag 2");
      expect(leftOut).to.have.length(1);
      expect(leftOut![0]).to.match(/^andet\.pdf: failed, PDF bomb: /);
    });

    it("a real Outlook .msg gives the text of the Outlook message embedded in it", async () => {
      const { text } = await extractText(corpus("outlook-msgInMsg.msg"), MSG);
      expect(text).to.match(/^I have attachments!\n/);
      expect(text).to.include("green.png");
      expect(text).to.include("Microsoft Outlook テスト メッセージ\nMicrosoft Outlook <xmailuser@xmailserver.test>\nxmailuser <xmailuser@xmailserver.test>");
      expect(text).to.include("この電子メール メッセージは、アカウントの設定のテスト中に、Microsoft Outlook から自動送信されたものです。");
    });

    it("a real .msg in the older ANSI property format and one with attachments give subject and names", async () => {
      expect((await extractText(corpus("outlook-nonUnicodeMail.msg"), MSG)).text).to.not.equal("");
      const { text, leftOut } = await extractText(corpus("outlook-attachmentFiles.msg"), MSG);
      expect(text).to.match(/^attachmentFiles\nhmailuser <hmailuser@hmailserver.test>\n/);
      expect(text).to.include("jpg.jpg\npng.png\ntif.tif");
      expect(leftOut).to.have.length(3);
    });

    it("a .msg that is no Outlook message fails as a damaged mail; an empty .eml is an empty mail", async () => {
      const msg = await refusal(extractText(Buffer.from("ikke en Outlook-mail"), MSG));
      expect(msg).to.include({
        status: "failed",
        reason: "damaged mail: Outlook .msg: the file is damaged or not an Outlook message (Unsupported file type!)",
      });
      expect(await extractText(Buffer.alloc(0), EML)).to.deep.equal({ text: "", truncated: false });
    });
  });

  it("a file larger than maxInputBytes is skipped unread", async () => {
    expect(await refusal(extractText(Buffer.alloc(2 * MiB), PDF, { maxInputBytes: 1 * MiB }))).to.include({ status: "skipped", reason: "larger than 1 MiB" });
  });
});
