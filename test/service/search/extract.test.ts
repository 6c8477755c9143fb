import zlib from "node:zlib";
import iconv from "iconv-lite";
import { expect } from "chai";
import { extractText } from "../../../service/features/search/extract/extract.ts";
import { corpus, fixture } from "../../support/fixtures.ts";
import fs from "node:fs";
import { refusal } from "../../support/extract-files.ts";
import { zip, type ZipPart } from "../../support/zip.ts";

const W = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`;
const wordDocument = (...paragraphs: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${paragraphs
    .map((p) => `<w:p><w:r><w:t xml:space="preserve">${p}</w:t></w:r></w:p>`)
    .join("")}</w:body></w:document>`;
const docx = (documentXml: string, extra: ZipPart[] = []): Buffer =>
  zip([{ name: "[Content_Types].xml", content: "<Types/>" }, { name: "word/document.xml", content: documentXml }, ...extra]);

const DOCX = { filename: "brev.docx", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
const MiB = 1024 * 1024;

describe("text extraction for search", () => {
  describe("real Office and OpenDocument files", () => {
    it("a Danish OpenDocument letter keeps its words and its æ, ø and å", async () => {
      const { text, truncated } = await extractText(corpus("da-brev-med-billede.odt"), { filename: "brev.odt", mediaType: "" });
      expect(text).to.include("Kære Hr. Testsen,");
      expect(text).to.include("Vedhæftet finder De et billede af et CPR-nummer.");
      expect(text).to.include("Preben Prøvesen");
      expect(text.split("\n")).to.include("9999 Vejstrand");
      expect(truncated).to.equal(false);
    });

    it("a Word document gives its body, its comments and its footnotes", async () => {
      const { text } = await extractText(corpus("complex-word-with-images-850kb.docx"), DOCX);
      expect(text).to.match(/^Video provides a powerful way to help you prove your point\./);
      expect(text).to.include("This is a comment.");
      expect(text).to.include("This is a footnote.");
      // The drawing offsets in wp:posOffset are numbers in the XML, not text of the document.
      expect(text).not.to.include("2422478");
    });

    it("a Danish-named Word document gives its CPR numbers to the index", async () => {
      const { text } = await extractText(corpus("Flere sider.docx"), { filename: "Flere sider.docx", mediaType: "" });
      expect(text.match(/1111111118/g)).to.have.length(5);
    });

    it("a macro-enabled Word document is read like any other", async () => {
      const { text } = await extractText(fs.readFileSync(fixture("search/macro-enabled-vba-userform.docm")), { filename: "form.docm", mediaType: "" });
      expect(text).to.include("This is a test document, with Forms in a macro");
    });

    it("a spreadsheet gives its shared strings with æ", async () => {
      const { text } = await extractText(corpus("sundhedstermer.xlsx"), { filename: "sundhedstermer.xlsx", mediaType: "" });
      expect(text.split("\n")).to.include.members(["Kræft", "Polio", "Afmagt", "stress"]);
    });

    it("a spreadsheet written with x:-prefixed SpreadsheetML gives its strings and numbers", async () => {
      const { text } = await extractText(corpus("spreadsheet-basic.xlsx"), { filename: "ark.xlsx", mediaType: "" });
      expect(text).to.include("second sheet");
      expect(text).to.include("1 2 3\n4 5 6");
    });

    it("an OpenDocument spreadsheet gives its cells", async () => {
      const { text } = await extractText(fs.readFileSync(fixture("search/spreadsheet-with-macro.ods")), { filename: "ark.ods", mediaType: "" });
      expect(text).to.include("kilometers");
      expect(text).to.include("72h – 78h");
    });

    it("a presentation gives its slides in order", async () => {
      const { text } = await extractText(corpus("presentation-1mb.pptx"), { filename: "oplæg.pptx", mediaType: "" });
      expect(text).to.equal("Title\nAnd More\n\nDifferent Layout\nBullet List\nMore");
    });

    it("an empty Word document gives no text and no error", async () => {
      expect(await extractText(corpus("minimal-empty.docx"), DOCX)).to.deep.equal({ text: "", truncated: false });
    });

    it("the media type decides when the filename has no extension", async () => {
      const { text } = await extractText(corpus("sundhedstermer.xlsx"), {
        filename: "upload",
        mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      });
      expect(text).to.include("Kræft");
    });
  });

  describe("OOXML read from hand-made archives", () => {
    it("paragraphs become lines, and headers, footers and comments follow the body", async () => {
      const part = (root: string, text: string) => `<w:${root} ${W}><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:${root}>`;
      const bytes = docx(wordDocument("Blåbærgrød med fløde", "Ærø og Øresund"), [
        { name: "word/comments.xml", content: part("comments", "En kommentar") },
        { name: "word/footer1.xml", content: part("ftr", "Sidefod") },
        { name: "word/header1.xml", content: part("hdr", "Sidehoved") },
        { name: "word/styles.xml", content: part("styles", "Ikke tekst") },
      ]);
      const { text } = await extractText(bytes, DOCX);
      expect(text).to.equal("Blåbærgrød med fløde\nÆrø og Øresund\n\nSidehoved\n\nSidefod\n\nEn kommentar");
    });

    it("a worksheet's inline strings count, its shared-string indexes and formulas do not", async () => {
      const X = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`;
      const bytes = zip([
        { name: "xl/sharedStrings.xml", content: `<x:sst ${X}><x:si><x:t>Sagsbehandler</x:t></x:si></x:sst>` },
        {
          name: "xl/worksheets/sheet1.xml",
          content:
            `<x:worksheet ${X}><x:sheetData><x:row r="1">` +
            `<x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Journalnummer</x:t></x:is></x:c>` +
            `<x:c r="C1"><x:f>SUM(D1:D2)</x:f><x:v>2024</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
        },
      ]);
      const { text } = await extractText(bytes, { filename: "ark.xlsx", mediaType: "" });
      expect(text).to.equal("Sagsbehandler\n\nJournalnummer 2024");
    });

    it("slides come in slide order, not archive order, with notes after them", async () => {
      const slide = (text: string) => `<p:sld xmlns:p="p" xmlns:a="a"><p:txBody><a:p><a:r><a:t>${text}</a:t></a:r></a:p></p:txBody></p:sld>`;
      const bytes = zip([
        { name: "ppt/notesSlides/notesSlide1.xml", content: slide("Husk at nævne budgettet") },
        { name: "ppt/slides/slide10.xml", content: slide("Tiende") },
        { name: "ppt/slides/slide2.xml", content: slide("Anden") },
      ]);
      const { text } = await extractText(bytes, { filename: "oplæg.pptx", mediaType: "" });
      expect(text).to.equal("Anden\n\nTiende\n\nHusk at nævne budgettet");
    });

    it("text past maxChars is cut off and the result says it was truncated", async () => {
      const paragraphs = Array.from({ length: 500 }, (_, i) => `Afsnit nummer ${i} om sagen`);
      const { text, truncated } = await extractText(docx(wordDocument(...paragraphs)), DOCX, { maxChars: 100 });
      expect(truncated).to.equal(true);
      expect(text.length).to.be.at.most(100);
      expect(text).to.match(/^Afsnit nummer 0 om sagen\nAfsnit nummer 1 om sagen\n/);
      expect(text).not.to.include("Afsnit nummer 10 ");
    });
  });

  describe("hostile archives", () => {
    let zeros200MiB: Buffer;
    before(() => {
      zeros200MiB = zlib.deflateRawSync(Buffer.alloc(200 * MiB), { level: 9 });
    });

    it("an entry that honestly declares 200 MiB is refused before anything is inflated", async () => {
      // The deflated data is garbage: had the extractor started inflating, it would fail as a damaged archive instead.
      const bomb = zip([{ name: "word/document.xml", content: "", declaredSize: 200 * MiB, rawDeflated: Buffer.from("not deflate data at all") }]);
      const error = await refusal(extractText(bomb, DOCX));
      expect(error.status).to.equal("failed");
      expect(error.reason).to.equal("zip bomb: inflated size over 64 MiB");
    });

    it("200 MiB of zeros in a 200 KB docx is a zip bomb", async () => {
      const bomb = zip([{ name: "word/document.xml", content: Buffer.alloc(0), declaredSize: 200 * MiB, rawDeflated: zeros200MiB }]);
      expect(bomb.length).to.be.below(1 * MiB);
      const error = await refusal(extractText(bomb, DOCX));
      expect(error.reason).to.equal("zip bomb: inflated size over 64 MiB");
    });

    it("an entry that declares 1 KB but inflates to 200 MiB is stopped while inflating", async () => {
      const bomb = zip([{ name: "word/document.xml", content: Buffer.alloc(0), declaredSize: 1024, rawDeflated: zeros200MiB }]);
      const error = await refusal(extractText(bomb, DOCX));
      expect(error.status).to.equal("failed");
      expect(error.reason).to.equal("zip bomb: entry inflates past its declared size");
    });

    it("the inflate budget is shared by all parts read, not given to each", async () => {
      const body = Buffer.from(wordDocument("x".repeat(600 * 1024)));
      const parts: ZipPart[] = [
        { name: "word/header1.xml", content: body },
        { name: "word/header2.xml", content: body },
      ];
      expect((await extractText(docx(wordDocument("Brev")), DOCX, { maxInflatedBytes: 1 * MiB })).text).to.equal("Brev");
      const error = await refusal(extractText(docx(wordDocument("Brev"), parts), DOCX, { maxInflatedBytes: 1 * MiB }));
      expect(error.reason).to.equal("zip bomb: inflated size over 1 MiB");
    });

    it("an archive with more than 5000 entries is refused", async () => {
      const many = Array.from({ length: 5001 }, (_, i) => ({ name: `customXml/item${i}.xml`, content: "" }));
      const error = await refusal(extractText(zip(many), DOCX));
      expect(error.status).to.equal("failed");
      expect(error.reason).to.equal("zip bomb: more than 5000 entries");
      expect((await extractText(docx(wordDocument("Brev"), many.slice(0, 4990)), DOCX)).text).to.equal("Brev");
    });

    it("a document with a DTD is refused, so an external entity is never resolved", async () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><w:document ${W}><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>`;
      const error = await refusal(extractText(docx(xxe), DOCX));
      expect(error.status).to.equal("failed");
      expect(error.reason).to.equal("XML with a DTD is refused");
    });

    it("a billion-laughs document is refused for its DTD", async () => {
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document ${W}><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>`;
      expect((await refusal(extractText(docx(lol), DOCX))).reason).to.equal("XML with a DTD is refused");
    });

    it("the five XML entities are decoded, any other entity makes the XML malformed", async () => {
      expect((await extractText(docx(wordDocument("Jensen &amp; Søn &lt;A/S&gt;")), DOCX)).text).to.equal("Jensen & Søn <A/S>");
      const error = await refusal(extractText(docx(wordDocument("&nbsp;")), DOCX));
      expect(error).to.include({ status: "failed", reason: "malformed XML" });
    });

    it("a password-protected .docx (an encrypted compound file) is skipped as encrypted", async () => {
      const real = fs.readFileSync(fixture("search/password-protected-encrypted.docx"));
      expect(await refusal(extractText(real, DOCX))).to.include({ status: "skipped", reason: "encrypted" });
      const handMade = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
      expect(await refusal(extractText(handMade, { filename: "regnskab.xlsx", mediaType: "" }))).to.include({ status: "skipped", reason: "encrypted" });
    });

    it("a .docx that is not a zip archive fails", async () => {
      const error = await refusal(extractText(Buffer.from("Dette er bare tekst med en forkert endelse"), DOCX));
      expect(error).to.include({ status: "failed", reason: "not a zip archive" });
    });
  });

  describe("plain text, HTML and RTF", () => {
    it("UTF-8 text loses its BOM and keeps æ, ø and å", async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("Sagsnr;Titel\n2024-17;Byggetilladelse på Ærø\n")]);
      expect((await extractText(bytes, { filename: "sager.csv", mediaType: "text/csv" })).text).to.equal("Sagsnr;Titel\n2024-17;Byggetilladelse på Ærø");
    });

    it("text that is not valid UTF-8 is read as windows-1252", async () => {
      const bytes = iconv.encode("Kære borger – vedrørende Æbleø", "windows-1252");
      expect((await extractText(bytes, { filename: "brev.txt", mediaType: "text/plain" })).text).to.equal("Kære borger – vedrørende Æbleø");
    });

    it("long plain text is cut at maxChars", async () => {
      const { text, truncated } = await extractText(Buffer.from("ø".repeat(5000)), { filename: "lang.txt", mediaType: "" }, { maxChars: 1000 });
      expect(text).to.equal("ø".repeat(1000));
      expect(truncated).to.equal(true);
    });

    it("HTML gives its text without images, link targets or scripts", async () => {
      const html = `<html><head><style>p { color: red }</style><script>var hemmelig = 1;</script></head><body>
        <h1>Mødereferat</h1><p>Deltagere: Søren og Åse</p><img src="logo.png" alt="Kommunens logo">
        <p>Se <a href="https://intranet.example.dk/sag/17">sagen på intranettet</a>.</p></body></html>`;
      const { text } = await extractText(Buffer.from(html), { filename: "referat.html", mediaType: "text/html" });
      expect(text).to.include("Deltagere: Søren og Åse");
      expect(text.toLowerCase()).to.include("mødereferat");
      expect(text).to.include("sagen på intranettet");
      expect(text).not.to.include("intranet.example.dk");
      expect(text).not.to.include("logo");
      expect(text).not.to.include("hemmelig");
      expect(text).not.to.include("color");
    });

    it("RTF gives its text with \\'hh and \\u escapes decoded and its tables and pictures dropped", async () => {
      const rtf =
        String.raw`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue0;}{\*\generator Microsoft Word;}` +
        String.raw`{\info{\title Hemmelig titel}}\f0\fs24 K\'e6re borger,\par Sagen om \u8364? 100 og gr\u248\'f8d{\pict\pngblip 89504e470d0a}` +
        String.raw` \{ikke en gruppe\}\tab slut\par}`;
      const { text } = await extractText(Buffer.from(rtf, "latin1"), { filename: "brev.rtf", mediaType: "application/rtf" });
      expect(text).to.equal("Kære borger,\nSagen om € 100 og grød {ikke en gruppe} slut");
    });

    it("RTF longer than maxChars is cut off", async () => {
      const rtf = String.raw`{\rtf1\ansi ` + "Blåbær ".repeat(1000).replace(/å/g, "\\'e5").replace(/æ/g, "\\'e6") + "}";
      const { text, truncated } = await extractText(Buffer.from(rtf, "latin1"), { filename: "lang.rtf", mediaType: "" }, { maxChars: 70 });
      expect(truncated).to.equal(true);
      expect(text).to.match(/^Blåbær Blåbær /);
      expect(text.length).to.be.at.most(70);
    });
  });

  describe("formats not read here", () => {
    for (const file of [
      { filename: "billede.png", mediaType: "image/png" },
      { filename: "ukendt", mediaType: "application/octet-stream" },
    ]) {
      it(`${file.filename} is skipped as an unsupported format`, async () => {
        expect(await refusal(extractText(Buffer.from("\x89PNG\r\n"), file))).to.include({ status: "skipped", reason: "unsupported format" });
      });
    }
  });
});
