import { expect } from "chai";
import iconv from "iconv-lite";
import { decodeBytes, decodeHeaderText, headerParameter, rawHeaders } from "../../../service/features/mail/header-text.ts";
import { corpus } from "../../support/fixtures.ts";

const latin1 = (text: string) => Buffer.from(text, "latin1");
const utf8 = (text: string) => Buffer.from(text, "utf8");

/** The header blocks of a corpus mail: the message's own, then the one after each boundary line. */
function entities(name: string): Map<string, Buffer[]>[] {
  const mail = corpus(name);
  const starts = [0, ...[...mail.toString("latin1").matchAll(/\n--[^\r\n]+\r?\n/g)].map((m) => m.index + m[0].length)];
  return starts.map((at) => rawHeaders(mail.subarray(at)));
}

const text = (headers: Map<string, Buffer[]>, name: string) => decodeHeaderText(headers.get(name)![0]);
/** What a person sees as an entity's file name, from Content-Disposition and from Content-Type. */
const names = (headers: Map<string, Buffer[]>) => ({
  filename: headers.has("content-disposition") ? headerParameter(headers.get("content-disposition")![0], "filename") : null,
  name: headers.has("content-type") ? headerParameter(headers.get("content-type")![0], "name") : null,
});
const attachmentNames = (mail: string) =>
  entities(mail)
    .map(names)
    .filter((n) => n.filename !== null || n.name !== null);

describe("header text of real mail", () => {
  it("a subject in raw 8-bit latin1 reads as Portuguese, and so does a windows-1252 word inside a quoted display name", () => {
    const [message] = entities("raw-8bit-latin1-subject.eml");
    expect(text(message, "subject")).to.equal("Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro");
    expect(text(message, "from")).to.equal('"Formação Frenetikpolis" <info@formacaofrenetik.info>');
  });

  it("Eudora's raw 8-bit bytes inside iso-8859-1 Q words are read as the bytes they are", () => {
    const [message] = entities("eudora-raw-8bit-inside-encoded-word-related-images.eml");
    expect(text(message, "subject")).to.equal("Die Hasen und die Frösche");
    expect(text(message, "to")).to.equal("Heinz Müller <mueller@example.com>");
  });

  it("an encoded-word in the unknown charset NONE with short base64 padding reads as its text", () => {
    const [message] = entities("encoded-word-unknown-charset-NONE.eml");
    expect(text(message, "subject")).to.equal("TEST");
  });

  it("a windows-1251 subject and sender read as Russian", () => {
    const [message, ...parts] = entities("windows-1251-subject-xlsx-attachment.eml");
    expect(text(message, "subject")).to.equal("Свежий прайс-лист");
    expect(text(message, "from")).to.equal("Прайсы || ПартКом <support@part-kom.ru>");
    expect(parts.map(names)).to.deep.include({ filename: "Price4VladDaKar.xlsx", name: null });
  });

  it("Pine's quoted RFC 2231 latin1 file name reads as German", () => {
    const [message] = entities("pine-rfc2231-latin1-filename.eml");
    expect(text(message, "subject")).to.equal("Die Hasen und die Frösche");
    expect(text(message, "to")).to.match(/^Joe Blow <blow@example\.com>,\s+Heinz Müller <mueller@example\.com>$/);
    expect(attachmentNames("pine-rfc2231-latin1-filename.eml")).to.deep.equal([{ filename: "HasenundFrösche.txt", name: "HasenundFrösche.txt" }]);
  });

  it("a Japanese subject in four folded words and a file name in RFC 2231 continuations read as Japanese", () => {
    const [message] = entities("rfc2231-continuation-utf8-japanese-filename.eml");
    expect(text(message, "subject")).to.equal("まみむめも".repeat(10));
    const fileName = "かきくけこ".repeat(5) + ".txt";
    expect(attachmentNames("rfc2231-continuation-utf8-japanese-filename.eml")).to.deep.equal([{ filename: fileName, name: fileName }]);
  });

  it("very long file names in continuations join their bytes, a UTF-8 character split between two segments included", () => {
    const tail = "@Z-" + "0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz-".repeat(3).slice(0, -1) + ".txt";
    expect(attachmentNames("rfc2231-continuations-very-long-filenames.eml")).to.deep.equal([
      {
        filename: "Buchungsbestätigung- Rechnung-Geschäftsbedingungen-Nr.B123-45 - XXXXX xxxxxxxxxxxxxxxxx XxxX, Lüxxxxxxxxxx - VM Klaus XXXXXX - xxxxxxxx.pdf",
        name: "Buchungsbestätigung- Rechnung-Geschäftsbedingungen-Nr.B123-45 - XXXX xxxxxxxxxxxxxxxxx XxxX, Lüdxxxxxxxx - VM Klaus XXXXXX - xxxxxxxx.pdf",
      },
      // The sender wrote this filename* in iso-8859-15, which has no ą, б, ي or د: it put question marks there itself.
      { filename: "01_A€àä????" + tail, name: "01_A€àäąбيد" + tail },
      { filename: "02_A€àäąбيد" + tail, name: "02_A€àäąбيد" + tail },
    ]);
  });

  it("Outlook 2000's tab-folded names and iso-8859-1 recipient read cleanly", () => {
    const [message] = entities("outlook2000-three-png-attachments.eml");
    expect(text(message, "subject")).to.equal("Test message from Microsoft Outlook 00");
    expect(text(message, "to")).to.equal("Heinz Müller <mueller@example.com>");
    expect(attachmentNames("outlook2000-three-png-attachments.eml")).to.deep.equal(
      ["blueball.png", "greenball.png", "redball.png"].map((n) => ({ filename: n, name: n })),
    );
  });

  it("a word in the middle of a subject and inside a quoted name, and an RFC 2231 name, read as one check mark", () => {
    const [message] = entities("gmail-received-unicode-filenames-watch-html.eml");
    expect(text(message, "subject")).to.equal("Nodemailer is unicode friendly ✔ (1476358788189)");
    expect(attachmentNames("gmail-received-unicode-filenames-watch-html.eml")).to.deep.equal([
      { filename: "image.png", name: "image.png" },
      { filename: "nyan cat ✔.gif", name: "nyan cat ✔.gif" },
      { filename: "notes.txt", name: "notes.txt" },
    ]);
  });

  it("an unquoted file name with spaces keeps them", () => {
    expect(attachmentNames("unquoted-filename-with-spaces.eml")).to.deep.equal([{ filename: "This is a test.txt", name: "This is a test.txt" }]);
  });
});

describe("decodeHeaderText", () => {
  const danish = "Ansøgning fra Jørgen Müller";

  it("reads Danish in raw latin1 bytes and in raw UTF-8 alike", () => {
    expect(decodeHeaderText(latin1(danish))).to.equal(danish);
    expect(decodeHeaderText(utf8(danish))).to.equal(danish);
    expect(decodeHeaderText(latin1("ÆØÅ æøå"))).to.equal("ÆØÅ æøå");
  });

  it("reads raw 8-bit text in the part's charset when it is not UTF-8", () => {
    expect(decodeHeaderText(iconv.encode("Привет", "koi8-r"), "koi8-r")).to.equal("Привет");
    expect(decodeHeaderText(utf8(danish), "iso-8859-1")).to.equal(danish);
  });

  it("reads Outlook 2000's UTF-7 words", () => {
    expect(decodeHeaderText(latin1("=?utf-7?Q?Fr+APY-sche?="))).to.equal("Frösche");
  });

  it("takes a raw byte inside a Q word as that byte in the word's charset", () => {
    expect(decodeHeaderText(latin1("=?iso-8859-1?Q?Fr\xf6sche?="))).to.equal("Frösche");
  });

  it("joins the bytes of adjacent words of one charset, so a UTF-8 sequence split between them reads whole", () => {
    expect(decodeHeaderText(latin1("=?utf-8?Q?J=C3?= =?UTF-8?Q?=B8rgen?="))).to.equal("Jørgen");
    const bytes = utf8("blåbærgrød");
    const b = (part: Buffer) => `=?utf-8?B?${part.toString("base64")}?=`;
    expect(decodeHeaderText(latin1(`${b(bytes.subarray(0, 3))}\t ${b(bytes.subarray(3))}`))).to.equal("blåbærgrød");
  });

  it("keeps words of different charsets apart and the text between a word and plain text", () => {
    expect(decodeHeaderText(latin1("=?iso-8859-1?Q?=E6?= =?utf-8?Q?=C3=B8?="))).to.equal("æø");
    expect(decodeHeaderText(latin1("Re: =?utf-8?Q?J=C3=B8rgen?= og =?utf-8?Q?=C3=85se?="))).to.equal("Re: Jørgen og Åse");
  });

  it("reads a word declared utf-8 that holds latin1 bytes, and one in an unknown charset, as windows-1252", () => {
    expect(decodeHeaderText(latin1("=?utf-8?Q?J=F8rgen_M=FCller?="))).to.equal("Jørgen Müller");
    expect(decodeHeaderText(latin1("=?x-unknown?B?" + latin1("Jørgen").toString("base64") + "?="))).to.equal("Jørgen");
    expect(decodeHeaderText(latin1("=?iso-8859-1?Q?=80_5?="))).to.equal("€ 5");
  });

  it("reads a charset with an RFC 2231 language tag, and ISO-2022-JP in a word and raw", () => {
    expect(decodeHeaderText(latin1("=?utf-8*da?Q?bl=C3=A5b=C3=A6rgr=C3=B8d?="))).to.equal("blåbærgrød");
    expect(decodeHeaderText(latin1("=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?="))).to.equal("こんにちは");
    expect(decodeHeaderText(Buffer.from("GyRCJDMkcyRLJEEkTxsoQg==", "base64"))).to.equal("こんにちは");
  });

  it("removes control characters other than tab", () => {
    expect(decodeHeaderText(latin1("=?utf-8?Q?a=00b=0Ac=09d=1B?=\x7f"))).to.equal("abc\td");
  });

  it("leaves broken encoded-words as the text they are", () => {
    expect(decodeHeaderText(latin1("=?utf-8?Q?no end"))).to.equal("=?utf-8?Q?no end");
    expect(decodeHeaderText(latin1("What? =?=?"))).to.equal("What? =?=?");
  });

  it("cuts a 100 KiB header to 64 KiB and reads what it kept", () => {
    const subject = decodeHeaderText(latin1("=?utf-8?Q?=C3=B8?= " + "x".repeat(100 * 1024)));
    expect(subject.startsWith("ø x")).to.equal(true);
    expect(subject.length).to.be.at.most(64 * 1024);
    expect(decodeHeaderText(latin1("=?".repeat(50 * 1024))).length).to.be.at.most(64 * 1024);
  });
});

describe("decodeBytes", () => {
  it("reads bytes in their declared charset", () => {
    expect(decodeBytes(iconv.encode("Свежий", "windows-1251"), "windows-1251")).to.equal("Свежий");
    expect(decodeBytes(utf8("Jørgen"), "UTF-8")).to.equal("Jørgen");
    expect(decodeBytes(latin1("Jørgen"), '"ISO-8859-1"')).to.equal("Jørgen");
  });

  it("reads ISO-8859-1 as windows-1252, so its € and quotes survive", () => {
    expect(decodeBytes(Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94]), "iso-8859-1")).to.equal("€ “a”");
  });

  it("reads invalid UTF-8 as windows-1252, and an unknown or 7-bit charset as undeclared", () => {
    expect(decodeBytes(latin1("Ansøgning"), "utf-8")).to.equal("Ansøgning");
    expect(decodeBytes(latin1("Ansøgning"), "unknown-8bit")).to.equal("Ansøgning");
    expect(decodeBytes(utf8("Ansøgning"), "us-ascii")).to.equal("Ansøgning");
    expect(decodeBytes(latin1("Ansøgning"), null)).to.equal("Ansøgning");
  });

  it("reads valid UTF-8 declared in a multi-byte charset it does not fit as UTF-8", () => {
    expect(decodeBytes(utf8("€ 5"), "big5")).to.equal("€ 5");
  });

  it("asks chardet when the bytes are neither UTF-8 nor windows-1252", () => {
    const japanese = "こんにちは、世界。これは日本語のテキストです。";
    expect(decodeBytes(iconv.encode(japanese, "shift_jis"), null)).to.equal(japanese);
  });

  it("never throws on bytes that fit nothing", () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
    for (const charset of [null, "utf-8", "utf-7", "iso-2022-jp", "gbk", "NONE", "__proto__"]) expect(decodeBytes(noise, charset)).to.be.a("string");
  });
});

describe("headerParameter", () => {
  const param = (value: string, name = "filename") => headerParameter(latin1(value), name);

  it("joins RFC 2231 continuations that mix encoded and plain segments, whatever their order", () => {
    expect(param(`attachment; filename*2*=%C3%B8rgen.pdf; filename*0*=utf-8''Ans%C3%B8gning%20; filename*1="fra J"`)).to.equal("Ansøgning fra Jørgen.pdf");
  });

  it("reads an RFC 2231 value with a language tag", () => {
    expect(param("attachment; filename*=iso-8859-1'da'bl%E5b%E6rgr%F8d.txt")).to.equal("blåbærgrød.txt");
  });

  it("prefers the RFC 2231 value to the plain one beside it", () => {
    expect(param(`attachment; filename="Ansogning.pdf"; filename*=utf-8''Ans%C3%B8gning.pdf`)).to.equal("Ansøgning.pdf");
  });

  it("undoes quoted-pairs and keeps a semicolon inside quotes", () => {
    expect(param(`attachment; filename="say \\"hej\\" \\\\ farvel;2.txt"; size=3`)).to.equal('say "hej" \\ farvel;2.txt');
  });

  it("reads encoded-words inside quotes and raw 8-bit names in latin1 or UTF-8", () => {
    expect(param(`attachment; filename="=?utf-8?B?${utf8("Ansøgning.pdf").toString("base64")}?="`)).to.equal("Ansøgning.pdf");
    expect(param(`attachment; filename="Ans\xf8gning.pdf"`)).to.equal("Ansøgning.pdf");
    expect(headerParameter(utf8(`attachment; filename="Ansøgning.pdf"`), "filename")).to.equal("Ansøgning.pdf");
  });

  it("matches the parameter's name in any case and returns null when it is absent", () => {
    expect(param(`image/png; NAME="blueball.png"`, "name")).to.equal("blueball.png");
    expect(param(`attachment; filename="a.txt"`, "name")).to.equal(null);
    expect(param("attachment", "filename")).to.equal(null);
  });

  it("reads a parameter from a 100 KiB header without throwing", () => {
    expect(param(`attachment; filename="${"a".repeat(100 * 1024)}"`)!.length).to.be.at.most(64 * 1024);
    expect(param(`attachment; ${"filename*1=a; ".repeat(10 * 1024)}`)).to.equal("a");
  });
});

describe("rawHeaders", () => {
  it("unfolds values by lower-case name up to the empty line, keeping every occurrence in order", () => {
    const headers = rawHeaders(
      latin1("From foo@example.com Mon Jan  1 00:00:00 2001\r\nReceived: a\r\nSUBJECT: J\xf8rgen\r\n\tM\xfcller \r\nReceived: b\nX-Empty:\r\n\r\nBody: no\r\n"),
    );
    expect([...headers.keys()]).to.deep.equal(["received", "subject", "x-empty"]);
    expect(headers.get("received")!.map(String)).to.deep.equal(["a", "b"]);
    expect(headers.get("subject")![0]).to.deep.equal(latin1("J\xf8rgen\tM\xfcller"));
    expect(headers.get("x-empty")![0].length).to.equal(0);
  });

  it("cuts a value folded past 64 KiB", () => {
    const headers = rawHeaders(latin1("Subject: start\r\n" + " more text\r\n".repeat(10 * 1024) + "To: a@example.com\r\n\r\n"));
    expect(headers.get("subject")![0].length).to.be.at.most(64 * 1024);
    expect(headers.get("to")!.map(String)).to.deep.equal(["a@example.com"]);
  });
});
