import { expect } from "chai";
import { Title } from "../../shared/api/schemas/common.ts";
import { asciiFileName, cleanTitle, isSafeFileName, MAX_FILE_NAME, MAX_TITLE, safeFileName } from "../../shared/flow/safe-names.ts";

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");
const DANISH =
  "Bilag 3 - Høringssvar vedrørende forslag til lokalplan nr. 104 for boligområdet ved Åbyhøj Skole, " +
  "herunder bemærkninger fra skolebestyrelsen, grundejerforeningen og naboerne på Ørnevej om trafik, støj, " +
  "skolevej og grønne områder samt forvaltningens samlede svar.pdf";

describe("names that never block a save", () => {
  describe("a file name", () => {
    it("a 265-character Danish attachment name is shortened to 255 bytes, keeping its start and .pdf", () => {
      expect(DANISH).to.have.length(265);
      const safe = safeFileName(DANISH);
      expect(utf8Bytes(safe)).to.be.at.most(MAX_FILE_NAME);
      expect(safe).to.match(/\.pdf$/);
      expect(DANISH.startsWith(safe.slice(0, -".pdf".length))).to.equal(true);
      expect(safe.slice(0, -".pdf".length)).to.not.match(/\s$/);
      expect(isSafeFileName(DANISH)).to.equal(false);
    });

    it("path separators become dashes, so a name is never a path", () => {
      expect(safeFileName("a/b\\c.pdf")).to.equal("a-b-c.pdf");
      expect(safeFileName("../../etc/passwd")).to.equal("-..-etc-passwd");
    });

    it("a bidi override is removed, so the real extension shows", () => {
      expect(safeFileName("faktura\u202efdp.exe")).to.equal("fakturafdp.exe");
      expect(safeFileName("\ufeffRe\u200bferat\u2066\u2069\u061c.docx")).to.equal("Referat.docx");
    });

    it("control characters are removed, and a line break or tab separates words with a space", () => {
      expect(safeFileName("Brev\u0000\u0000.txt")).to.equal("Brev.txt");
      expect(safeFileName("Brev\u0007\u007f\u0085\u009b.txt")).to.equal("Brev .txt");
      expect(safeFileName("Referat\r\nmøde\t2.docx")).to.equal("Referat møde 2.docx");
    });

    it("surrounding whitespace and trailing dots are trimmed", () => {
      expect(safeFileName("  Forskellige kolonner  ")).to.equal("Forskellige kolonner");
      expect(safeFileName("Referat. . ")).to.equal("Referat");
    });

    it("quotes, colons and question marks, common in Danish names, are kept as they are", () => {
      expect(safeFileName('Møde 10:30 <udkast> "ny"|v2?*.docx')).to.equal('Møde 10:30 <udkast> "ny"|v2?*.docx');
    });

    it("a Windows device name gets a prefix, with or without an extension", () => {
      expect(safeFileName("CON.txt")).to.equal("_CON.txt");
      expect(safeFileName("nul")).to.equal("_nul");
      expect(safeFileName("com1 .tar.gz")).to.equal("_com1 .tar.gz");
      expect(safeFileName("CONTRACT.txt")).to.equal("CONTRACT.txt");
    });

    it("nothing left ('', '.', '..', only spaces or invisible characters) gives the fallback", () => {
      for (const name of ["", ".", "..", "   ", "\u202e\u200b"]) {
        expect(safeFileName(name), JSON.stringify(name)).to.equal("IMS Case");
        expect(safeFileName(name, "Bilag.pdf"), JSON.stringify(name)).to.equal("Bilag.pdf");
      }
      expect(safeFileName("", " . . ")).to.equal("IMS Case");
    });

    it("a name that is only an extension gets the fallback before it, and leading dots (which hide a file) go", () => {
      expect(safeFileName(".pdf")).to.equal("IMS Case.pdf");
      expect(safeFileName(".pdf", "Bilag")).to.equal("Bilag.pdf");
      expect(safeFileName("..Referat.pdf")).to.equal("Referat.pdf");
    });

    it("is cut between characters: never inside an emoji's surrogate pair", () => {
      for (const pad of [0, 1, 2, 3]) {
        const name = "x".repeat(pad) + "📎".repeat(80) + ".pdf";
        const safe = safeFileName(name);
        expect(utf8Bytes(safe), `pad ${pad}`).to.be.at.most(MAX_FILE_NAME);
        expect(safe, `pad ${pad}`).to.match(/^x*(📎)+\.pdf$/u);
        expect(safe, `pad ${pad}`).to.not.match(/[\ud800-\udfff]/u);
      }
    });

    it("is cut between characters: a letter keeps its combining marks", () => {
      // q with an acute accent has no precomposed form, so NFC keeps the mark separate.
      for (const pad of [0, 1, 2]) {
        const safe = safeFileName("x".repeat(pad) + "q\u0301".repeat(100) + ".txt");
        expect(utf8Bytes(safe), `pad ${pad}`).to.be.at.most(MAX_FILE_NAME);
        expect(safe, `pad ${pad}`).to.match(/^x*(q\u0301)+\.txt$/u);
      }
    });

    it("a tail after the last dot too long to be an extension is cut like the rest of the name", () => {
      const name = "Notat." + "ø".repeat(300);
      const safe = safeFileName(name);
      expect(utf8Bytes(safe)).to.be.at.most(MAX_FILE_NAME);
      expect(safe).to.equal("Notat." + "ø".repeat((MAX_FILE_NAME - "Notat.".length) >> 1));
    });

    it("a name made of combining marks only is still cut to the limit and never empty", () => {
      const safe = safeFileName("\u0301".repeat(1000) + ".pdf");
      expect(utf8Bytes(safe)).to.be.at.most(MAX_FILE_NAME);
      expect(safe).to.match(/^\u0301+\.pdf$/u);
    });

    it("is in NFC, with a lone surrogate replaced so the name can be encoded", () => {
      expect(safeFileName("Ha\u030arby.txt")).to.equal("Hårby.txt");
      expect(safeFileName("Bilag \ud83d.txt")).to.equal("Bilag \ufffd.txt");
      expect(() => encodeURIComponent(safeFileName("\udc00\ud800.txt"))).to.not.throw();
    });

    it("a safe name is left as it is, and cleaning twice changes nothing", () => {
      for (const name of ["Budget 2026.xlsx", "Høringssvar æøå.pdf", "IMS Case", "archive.tar.gz"]) {
        expect(isSafeFileName(name), name).to.equal(true);
      }
      for (const name of [DANISH, "a/b\\c.pdf", "CON.txt", ".pdf", "faktura\u202efdp.exe", "Notat." + "ø".repeat(300), "📎".repeat(200)]) {
        expect(isSafeFileName(safeFileName(name)), name).to.equal(true);
      }
    });
  });

  describe("a title", () => {
    it("is trimmed, with whitespace runs collapsed", () => {
      expect(cleanTitle("  Forskellige kolonner  ")).to.equal("Forskellige kolonner");
      expect(cleanTitle("Referat\r\n  af\tmødet")).to.equal("Referat af mødet");
    });

    it("loses controls and invisible formatting characters", () => {
      expect(cleanTitle("faktura\u202efdp\u0000 \u200bbilag\ufeff")).to.equal("fakturafdp bilag");
    });

    it("is at most as long as the documents schema allows, cut between characters", () => {
      expect(MAX_TITLE).to.equal(Title.maxLength);
      const long = cleanTitle("😀".repeat(400));
      expect(long.length).to.be.at.most(MAX_TITLE);
      expect(long).to.equal("😀".repeat(MAX_TITLE / 2));
      expect(Title.safeParse(cleanTitle("Høring ".repeat(200))).success).to.equal(true);
    });

    it("with nothing visible is empty, for the caller to name", () => {
      expect(cleanTitle(" \u202e\u200b ")).to.equal("");
    });
  });

  describe("an ASCII name for Content-Disposition's filename=", () => {
    it("spells Danish letters out the way a Dane would", () => {
      expect(asciiFileName("Høringssvar æblegrød Århus.pdf")).to.equal("Hoeringssvar aeblegroed Aarhus.pdf");
      expect(asciiFileName("ÆØÅ æøå")).to.equal("AeOeAa aeoeaa");
    });

    it("spells German and Swedish letters out and drops other accents", () => {
      expect(asciiFileName("Ärger Öl Übung straße.txt")).to.equal("Aerger Oel Uebung strasse.txt");
      expect(asciiFileName("Café naïve résumé.docx")).to.equal("Cafe naive resume.docx");
      expect(asciiFileName("A\u030arhus.pdf")).to.equal("Aarhus.pdf");
    });

    it("replaces anything else with _, and quotes and backslashes so the header needs no escapes", () => {
      expect(asciiFileName("Отчёт 📎.pdf")).to.equal("_____ _.pdf");
      expect(asciiFileName('Budget "juni" a\\b.xlsx')).to.equal("Budget 'juni' a-b.xlsx");
      expect(asciiFileName("faktura\u202efdp.exe")).to.equal("fakturafdp.exe");
      expect(asciiFileName("Bilag \ud83d.txt")).to.match(/^[\x20-\x7e]*$/);
    });
  });
});
