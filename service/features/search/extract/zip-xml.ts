import yauzl from "yauzl";
import { SaxesParser } from "saxes";
import { BoundedText, ExtractError, zipBomb, type ExtractedText, type ExtractLimits, type InflateBudget } from "./limits.ts";

// Office Open XML and OpenDocument files are zip archives of XML parts. Only the parts that carry the
// document's text are inflated, each against what is left of the inflate budget.

export type ZipXmlFormat = "word" | "sheet" | "slides" | "odf";

/** The first bytes of an OLE compound file: how Office stores a password-protected .docx/.xlsx/.pptx. */
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** How the text of one kind of XML part is read: which elements hold text and which end a line or a cell. */
interface PartReading {
  /** Local names whose character data is text; `undefined` means all character data inside `paragraphs`. */
  textElements?: ReadonlySet<string>;
  /** Local names that end a line when they close. */
  lineEnds: ReadonlySet<string>;
  /** Local names that end a cell (or a tab stop) when they close. */
  cellEnds: ReadonlySet<string>;
  /** Empty elements that stand for a line break or a tab. */
  breaks: ReadonlyMap<string, string>;
  /** Local names whose whole content is not text (deleted runs, phonetic hints, field codes). */
  skipped: ReadonlySet<string>;
}

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

const WORD: PartReading = {
  textElements: set("t"),
  lineEnds: set("p"),
  cellEnds: set("tc"),
  breaks: new Map([
    ["br", "\n"],
    ["cr", "\n"],
    ["tab", "\t"],
  ]),
  skipped: set("del", "instrText"),
};

const SHARED_STRINGS: PartReading = { textElements: set("t"), lineEnds: set("si"), cellEnds: set(), breaks: new Map(), skipped: set("rPh", "phoneticPr") };

// A worksheet cell's <v> is its value, except for shared-string cells (t="s"), where it is an index into sharedStrings.xml.
const WORKSHEET: PartReading = { textElements: set("t", "v"), lineEnds: set("row"), cellEnds: set("c"), breaks: new Map(), skipped: set("f", "rPh") };

const SLIDE: PartReading = { textElements: set("t"), lineEnds: set("p"), cellEnds: set("tc"), breaks: new Map([["br", "\n"]]), skipped: set() };

const ODF_CONTENT: PartReading = {
  lineEnds: set("p", "h", "table-row"),
  cellEnds: set("table-cell"),
  breaks: new Map([
    ["line-break", "\n"],
    ["tab", "\t"],
    ["s", " "],
  ]),
  skipped: set("tracked-changes", "annotation-end", "bookmark-ref"),
};

/** The parts to read for a format, in the order their text should appear; `undefined` for every other part. */
function partOrder(format: ZipXmlFormat, name: string): { rank: number; reading: PartReading } | undefined {
  const numbered = (pattern: RegExp): number | undefined => {
    const match = pattern.exec(name);
    return match ? Number(match[1] || 0) : undefined;
  };
  const ranked = (group: number, n: number | undefined, reading: PartReading) => (n === undefined ? undefined : { rank: group * 1e6 + n, reading });
  switch (format) {
    case "word":
      if (name === "word/document.xml") return { rank: 0, reading: WORD };
      return (
        ranked(1, numbered(/^word\/header(\d*)\.xml$/), WORD) ??
        ranked(2, numbered(/^word\/footer(\d*)\.xml$/), WORD) ??
        ranked(3, numbered(/^word\/footnotes()\.xml$/), WORD) ??
        ranked(4, numbered(/^word\/endnotes()\.xml$/), WORD) ??
        ranked(5, numbered(/^word\/comments()\.xml$/), WORD)
      );
    case "sheet":
      if (name === "xl/sharedStrings.xml") return { rank: 0, reading: SHARED_STRINGS };
      return ranked(1, numbered(/^xl\/worksheets\/sheet(\d*)\.xml$/), WORKSHEET);
    case "slides":
      return ranked(0, numbered(/^ppt\/slides\/slide(\d+)\.xml$/), SLIDE) ?? ranked(1, numbered(/^ppt\/notesSlides\/notesSlide(\d+)\.xml$/), SLIDE);
    case "odf":
      return name === "content.xml" ? { rank: 0, reading: ODF_CONTENT } : undefined;
  }
}

/** The text of an OOXML or ODF file, reading only its text-bearing parts within the limits. */
export async function extractZipXml(
  bytes: Buffer,
  format: ZipXmlFormat,
  limits: ExtractLimits,
  budget: InflateBudget = { remaining: limits.maxInflatedBytes },
): Promise<ExtractedText> {
  if (bytes.subarray(0, 4).equals(CFB_MAGIC)) throw new ExtractError("skipped", "encrypted");
  const zip = await openZip(bytes);
  try {
    if (zip.entryCount > limits.maxEntries) throw new ExtractError("failed", `zip bomb: more than ${limits.maxEntries} entries`);
    const parts = (await listEntries(zip))
      .map((entry) => ({ entry, order: partOrder(format, entry.fileName) }))
      .filter((part): part is { entry: yauzl.Entry; order: NonNullable<typeof part.order> } => part.order !== undefined)
      .sort((a, b) => a.order.rank - b.order.rank);
    const text = new BoundedText(limits.maxChars);
    for (const { entry, order } of parts) {
      if (text.full) break;
      if (entry.isEncrypted()) throw new ExtractError("skipped", "encrypted");
      if (entry.uncompressedSize > budget.remaining) throw zipBomb(limits);
      await readPart(zip, entry, order.reading, text, budget, limits);
      text.add("\n\n");
    }
    return text.result();
  } catch (error) {
    if (error instanceof ExtractError) throw error;
    throw new ExtractError("failed", "damaged zip archive", { cause: error });
  } finally {
    zip.close();
  }
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (error, zip) =>
      error ? reject(new ExtractError("failed", "not a zip archive", { cause: error })) : resolve(zip),
    ),
  );
}

// Reading the central directory inflates nothing; the count was bounded before this by entryCount.
function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on("entry", (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", reject);
    zip.readEntry();
  });
}

async function readPart(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  reading: PartReading,
  text: BoundedText,
  budget: { remaining: number },
  limits: ExtractLimits,
): Promise<void> {
  const stream = await zip.openReadStreamPromise(entry);
  const parser = xmlTextParser(reading, text);
  const decoder = new TextDecoder("utf-8");
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      budget.remaining -= chunk.length;
      if (budget.remaining < 0) throw zipBomb(limits);
      parser.write(decoder.decode(chunk, { stream: true }));
      if (text.full) return;
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof ExtractError) throw error;
    // yauzl's validateEntrySizes: the entry inflates to more than its header declared.
    if (error instanceof Error && /too many bytes/.test(error.message))
      throw new ExtractError("failed", "zip bomb: entry inflates past its declared size", { cause: error });
    if (error instanceof Error && xmlErrors.has(error)) throw new ExtractError("failed", "malformed XML", { cause: error });
    throw error;
  } finally {
    stream.destroy();
  }
}

// The errors saxes raised, told apart from stream errors without matching on their wording.
const xmlErrors = new WeakSet<Error>();

const localName = (name: string): string => name.slice(name.indexOf(":") + 1);

/** A SAX parser that feeds a part's text into `text`; a DTD is refused, so no entity but the five XML ones is ever expanded. */
function xmlTextParser(reading: PartReading, text: BoundedText): SaxesParser {
  const parser = new SaxesParser({ position: false });
  let inText = 0;
  let inSkipped = 0;
  let sharedStringCell = false;
  parser.on("doctype", () => {
    throw new ExtractError("failed", "XML with a DTD is refused");
  });
  parser.on("error", (error) => {
    xmlErrors.add(error);
    throw error;
  });
  parser.on("opentag", (tag) => {
    const name = localName(tag.name);
    if (reading.skipped.has(name)) inSkipped++;
    if (inSkipped > 0) return;
    if (reading === WORKSHEET && name === "c") sharedStringCell = tag.attributes["t"] === "s" || tag.attributes["t"] === "e";
    const isText = reading.textElements ? reading.textElements.has(name) && !(name === "v" && sharedStringCell) : reading.lineEnds.has(name);
    if (isText) inText++;
    const brk = reading.breaks.get(name);
    if (brk !== undefined) text.add(name === "s" ? brk.repeat(Math.min(Number(tag.attributes["text:c"] ?? 1) || 1, 100)) : brk);
  });
  parser.on("text", (data: string) => {
    if (inText > 0 && inSkipped === 0) text.add(data);
  });
  parser.on("cdata", (data: string) => {
    if (inText > 0 && inSkipped === 0) text.add(data);
  });
  parser.on("closetag", (tag) => {
    const name = localName(tag.name);
    if (reading.skipped.has(name)) {
      inSkipped--;
      return;
    }
    if (inSkipped > 0) return;
    const isText = reading.textElements ? reading.textElements.has(name) && !(name === "v" && sharedStringCell) : reading.lineEnds.has(name);
    if (isText) inText--;
    if (reading.lineEnds.has(name)) text.add("\n");
    else if (reading.cellEnds.has(name)) text.add("\t");
  });
  return parser;
}
