import fs from "node:fs";
import zlib from "node:zlib";
import { expect } from "chai";
import { ExtractError } from "../../../service/features/search/extract/extract.ts";
import { createExtractPool, type ExtractPool } from "../../../service/features/search/extract/pool.ts";
import { corpus, fixture } from "../../support/fixtures.ts";
import { refusal, writePdf } from "../../support/extract-files.ts";
import { zip } from "../../support/zip.ts";

// The extraction pool: files read in worker threads, each bounded in time, heap and memory, the pool carrying
// on after a thread is ended. The bombs are built here at test time (a few MB each, inflating to a GiB); the
// memory bound is asserted on the process's peak resident memory, never on how long anything took.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const PDF = { filename: "bilag.pdf", mediaType: "application/pdf" };
const DOCX = { filename: "brev.docx", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
const TXT = { filename: "note.txt", mediaType: "text/plain" };
/** Limits that let a bomb past the extractors' own inflate budget, so that only the pool's bounds stand in its way. */
const UNBOUNDED_INFLATE = { maxInflatedBytes: 64 * GiB };

/** `size` bytes of `fill` deflated (zlib or raw), streamed, so that the test never holds the inflated bytes itself. */
function deflated(size: number, { fill = 0, raw = false, prefix = "", suffix = "" } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const deflater = raw ? zlib.createDeflateRaw({ level: 9 }) : zlib.createDeflate({ level: 9 });
    const out: Buffer[] = [];
    deflater.on("data", (chunk: Buffer) => out.push(chunk));
    deflater.on("end", () => resolve(Buffer.concat(out)));
    deflater.on("error", reject);
    const chunk = Buffer.alloc(16 * MiB, fill);
    let written = 0;
    deflater.write(prefix);
    const pump = () => {
      while (written < size) {
        const n = Math.min(chunk.length, size - written);
        written += n;
        if (!deflater.write(chunk.subarray(0, n))) return void deflater.once("drain", pump);
      }
      deflater.end(suffix);
    };
    pump();
  });
}

/** A PDF of `pages` pages; each page's content stream is `content` (Flate-compressed when `flate`). */
function pdf(pages: number, content: Buffer, flate: boolean): Buffer {
  return writePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`).join(" ")}] /Count ${pages} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    { dictionary: flate ? "/Filter /FlateDecode" : "", data: content },
    ...Array.from({ length: pages }, () => "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"),
  ]);
}

/**
 * Runs `run` and gives its outcome with the process's peak resident memory over where it started: the kernel's
 * high-water mark (reset first) on Linux, and samples every 5 ms besides, wherever the mark cannot be read.
 */
async function withPeakMemory<T>(run: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; growth: number }> {
  const start = process.memoryUsage.rss();
  let kernelMark = false;
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    kernelMark = true;
  } catch {
    // Not Linux, or not allowed: the samples alone.
  }
  let sampled = start;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 5);
  const [outcome] = await Promise.allSettled([run()]);
  clearInterval(sampler);
  const mark = kernelMark ? Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024 : 0;
  return { outcome, growth: Math.max(sampled, mark) - start };
}

const reasonOf = (outcome: PromiseSettledResult<unknown>): string => {
  if (outcome.status === "fulfilled") return "(read, not refused)";
  return outcome.reason instanceof ExtractError ? `${outcome.reason.status}: ${outcome.reason.reason}` : String(outcome.reason);
};

describe("text extraction in the worker pool", function () {
  this.timeout(120_000);
  const pools: ExtractPool[] = [];
  const pool = (options: Parameters<typeof createExtractPool>[0]) => {
    const made = createExtractPool(options);
    pools.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it("reads a PDF, a .doc and a mail with an attachment in its threads, as extractText does", async () => {
    const p = pool({});
    const [cover, journal, mail] = await Promise.all([
      p.extract(corpus("forside-styrelsen-for-it-og-laering.pdf"), PDF),
      p.extract(corpus("Sundhedsjournal.doc"), { filename: "journal.doc", mediaType: "application/msword" }),
      p.extract(corpus("da-gmail-inline-image-and-attached-odt.eml"), { filename: "mail.eml", mediaType: "message/rfc822" }),
    ]);
    expect(cover.text).to.include("Styrelsen for It og Læring");
    expect(journal.text).to.include("NORDSTRAND SYGEHUS");
    expect(mail.text).to.include("Kære Hr. Testsen,");
    expect(mail.leftOut).to.deep.equal(["cpr.jpg: skipped, unsupported format"]);
  });

  it("a file's own refusal comes back as the ExtractError it threw in the thread", async () => {
    const p = pool({ size: 1 });
    expect(await refusal(p.extract(fs.readFileSync(fixture("search/password-protected-encrypted.docx")), DOCX))).to.include({
      status: "skipped",
      reason: "encrypted",
    });
    expect(await refusal(p.extract(Buffer.from("%PDF-1.4 og så ikke mere"), PDF))).to.have.property("status", "failed");
  });

  it("a file that takes longer than timeoutMs fails, its thread is replaced, and the pool reads the next file", async () => {
    // 2000 pages for pdf.js to evaluate, each small: seconds of work in a little memory.
    const slow = pdf(2000, Buffer.from("BT /F1 12 Tf 72 700 Td (Side) Tj ET"), false);
    const p = pool({ size: 1, timeoutMs: 200 });
    expect(await refusal(p.extract(slow, PDF))).to.include({ status: "failed", reason: "took longer than 0.2 s" });
    expect(await p.extract(Buffer.from("Næste fil"), TXT)).to.deep.equal({ text: "Næste fil", truncated: false });
  });

  describe("bombs", () => {
    let pdfBomb: Buffer;
    let docxBomb: Buffer;
    before(async () => {
      // A page whose content stream inflates to 1 GiB of zeros (whitespace to pdf.js): 1 MB on disk.
      pdfBomb = pdf(1, await deflated(1 * GiB), true);
      // A document.xml of 1 GiB of spaces between two tags: a text node the XML parser holds whole.
      const [prefix, suffix] = [`<w:document xmlns:w="w"><w:body>`, `</w:body></w:document>`];
      const rawDeflated = await deflated(1 * GiB, { fill: 0x20, raw: true, prefix, suffix });
      docxBomb = zip([{ name: "word/document.xml", content: "", declaredSize: prefix.length + 1 * GiB + suffix.length, rawDeflated }]);
    });

    it("the extractors' own inflate budget refuses both bombs before they grow", async () => {
      const p = pool({ size: 1 });
      expect(pdfBomb.length).to.be.below(2 * MiB);
      expect(docxBomb.length).to.be.below(2 * MiB);
      const pdfRun = await withPeakMemory(() => p.extract(pdfBomb, PDF));
      expect(reasonOf(pdfRun.outcome)).to.equal("failed: PDF bomb: its streams inflate past 64 MiB");
      const docxRun = await withPeakMemory(() => p.extract(docxBomb, DOCX));
      expect(reasonOf(docxRun.outcome)).to.equal("failed: zip bomb: inflated size over 64 MiB");
      // The input copied into the thread and what was inflated to count it, no more.
      expect(pdfRun.growth).to.be.below(128 * MiB);
      expect(docxRun.growth).to.be.below(128 * MiB);
    });

    it("a PDF that pdf.js inflates to 1 GiB is stopped at the memory budget, and the pool reads the next file", async () => {
      const budgetMb = 256;
      const p = pool({ size: 1, memoryBudgetMb: budgetMb });
      await p.extract(Buffer.from("varm"), TXT);
      const { outcome, growth } = await withPeakMemory(() => p.extract(pdfBomb, PDF, UNBOUNDED_INFLATE));
      expect(reasonOf(outcome)).to.equal(`failed: needed more than ${budgetMb} MiB of memory`);
      expect(growth).to.be.below(2 * budgetMb * MiB);
      expect((await p.extract(fs.readFileSync(fixture("search/google-docs-skia-file-1.pdf")), PDF)).text).to.equal("file-1.pdf");
    });

    it("a .docx whose XML holds a 1 GiB text node is stopped at the memory budget, and the pool reads the next file", async () => {
      const budgetMb = 256;
      // A heap larger than the budget, so that it is the budget that stops the file.
      const p = pool({ size: 1, memoryBudgetMb: budgetMb, heapMb: 1024 });
      await p.extract(Buffer.from("varm"), TXT);
      const { outcome, growth } = await withPeakMemory(() => p.extract(docxBomb, DOCX, UNBOUNDED_INFLATE));
      expect(reasonOf(outcome)).to.equal(`failed: needed more than ${budgetMb} MiB of memory`);
      expect(growth).to.be.below(2 * budgetMb * MiB);
      expect((await p.extract(corpus("Flere sider.docx"), DOCX)).text).to.include("1111111118");
    });

    it("a file that fills a thread's JavaScript heap fails, and the pool reads the next file", async () => {
      const p = pool({ size: 1, heapMb: 64, memoryBudgetMb: 4096 });
      await p.extract(Buffer.from("varm"), TXT);
      expect(await refusal(p.extract(docxBomb, DOCX, UNBOUNDED_INFLATE))).to.include({
        status: "failed",
        reason: "needed more than 64 MiB of JavaScript heap",
      });
      expect((await p.extract(corpus("Flere sider.docx"), DOCX)).text).to.include("1111111118");
    });

    it("a file read beside a bomb is not marked failed", async () => {
      const budgetMb = 256;
      const p = pool({ size: 2, memoryBudgetMb: budgetMb });
      await Promise.all([p.extract(Buffer.from("varm"), TXT), p.extract(Buffer.from("varm"), TXT)]);
      const innocent = pdf(1500, Buffer.from("BT /F1 12 Tf 72 700 Td (Uskyldig) Tj ET"), false);
      const { outcome, growth } = await withPeakMemory(() =>
        Promise.allSettled([p.extract(pdfBomb, PDF, UNBOUNDED_INFLATE), p.extract(innocent, PDF, { maxChars: 20_000_000 })]),
      );
      const [bomb, beside] = (outcome as PromiseFulfilledResult<PromiseSettledResult<{ text: string }>[]>).value;
      expect(reasonOf(bomb)).to.equal(`failed: needed more than ${budgetMb} MiB of memory`);
      expect(beside.status, reasonOf(beside)).to.equal("fulfilled");
      expect((beside as PromiseFulfilledResult<{ text: string }>).value.text).to.match(/^Uskyldig\n\nUskyldig/);
      expect(growth).to.be.below(2 * budgetMb * MiB);
    });

    it("files that fit the budget alone but not together are all read, each alone once the pool has stopped them together", async () => {
      // 80 MiB of zeros each: pdf.js holds up to about twice that, within 256 MiB alone; three at once are not.
      const budgetMb = 256;
      const heavy = pdf(1, await deflated(80 * MiB), true);
      const p = pool({ size: 3, memoryBudgetMb: budgetMb });
      await Promise.all([1, 2, 3].map(() => p.extract(Buffer.from("varm"), TXT)));
      const { outcome, growth } = await withPeakMemory(() => Promise.all([1, 2, 3].map(() => p.extract(heavy, PDF, UNBOUNDED_INFLATE))));
      expect(outcome.status, reasonOf(outcome)).to.equal("fulfilled");
      expect((outcome as PromiseFulfilledResult<unknown>).value).to.deep.equal([1, 2, 3].map(() => ({ text: "", truncated: false })));
      expect(growth).to.be.below(2 * budgetMb * MiB);
    });
  });

  it("close ends the threads and refuses what was waiting and what comes after", async () => {
    const p = createExtractPool({ size: 1 });
    const reading = Promise.allSettled([p.extract(pdf(2000, Buffer.from("BT /F1 12 Tf 72 700 Td (Side) Tj ET"), false), PDF)]);
    const waiting = Promise.allSettled([p.extract(Buffer.from("venter"), TXT)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await p.close();
    for (const settled of [reading, waiting, Promise.allSettled([p.extract(Buffer.from("bagefter"), TXT)])]) {
      const [outcome] = await settled;
      expect(outcome.status).to.equal("rejected");
      expect((outcome as PromiseRejectedResult).reason)
        .to.be.an("error")
        .with.property("message", "the extraction pool is closed");
      expect((outcome as PromiseRejectedResult).reason).not.to.be.instanceOf(ExtractError);
    }
  });
});
