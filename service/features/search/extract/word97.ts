import { createRequire } from "node:module";
import WordExtractor from "word-extractor";
import { BoundedText, ExtractError, type ExtractedText, type ExtractLimits } from "./limits.ts";
import { extractZipXml } from "./zip-xml.ts";

// A Word 97-2003 .doc (an OLE compound file holding a WordDocument stream) through word-extractor. The
// library trusts the file: it follows sector chains without looking for loops and allocates what the header
// claims, so the header is checked against the file's size first, and a sector chain that loops is refused.

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_SIGNATURE = Buffer.from("PK\x03\x04", "latin1");

const require = createRequire(import.meta.url);

/** word-extractor's compound-file internals that are used or guarded here (no typings of their own). */
interface AllocationTable {
  _table: number[];
  getSecIdChain(start: number): number[];
}
type StorageStream = NodeJS.ReadableStream;
interface OleCompoundDoc {
  read(): Promise<OleCompoundDoc>;
  stream(name: string): StorageStream;
}
type OleCompoundDocClass = new (reader: unknown) => OleCompoundDoc;
type BufferReaderClass = new (buffer: Buffer) => unknown;

const AllocationTable = require("word-extractor/lib/ole-allocation-table") as { prototype: AllocationTable };
const OleCompoundDoc = require("word-extractor/lib/ole-compound-doc") as OleCompoundDocClass;
const BufferReader = require("word-extractor/lib/buffer-reader") as BufferReaderClass;

// A chain that loops would otherwise grow an array until the heap runs out. A chain has at most one link per
// entry of its table, so a longer one loops; a link to itself ends the chain, as the library has it.
AllocationTable.prototype.getSecIdChain = function (this: AllocationTable, start: number): number[] {
  const table = this._table;
  const chain: number[] = [];
  for (let id = start; id >= 0; id = table[id]) {
    if (chain.length >= table.length) throw new Error("a sector chain loops");
    chain.push(id);
    if (table[id] === id) break;
  }
  return chain;
};

/** FIB flags (WordDocument stream, offset 0x0A): fEncrypted, and fObfuscated (XOR "encryption"). */
const F_ENCRYPTED = 0x0100;
const F_OBFUSCATED = 0x8000;

/** The text of a .doc: its body, then headers and footers, footnotes, endnotes, comments and text boxes. */
export async function extractWord97(bytes: Buffer, limits: ExtractLimits): Promise<ExtractedText> {
  // Word and other programs save a .docx under a .doc name too; that one is read as what it is.
  if (bytes.subarray(0, 4).equals(ZIP_SIGNATURE)) return extractZipXml(bytes, "word", limits);
  if (!bytes.subarray(0, 8).equals(OLE_SIGNATURE)) throw new ExtractError("failed", "not a Word 97-2003 document");
  assertHeaderFitsFile(bytes);
  try {
    if (await isEncrypted(bytes)) throw new ExtractError("skipped", "encrypted");
    const document = await new WordExtractor().extract(bytes);
    const text = new BoundedText(limits.maxChars);
    for (const part of [
      document.getBody(),
      document.getHeaders({ includeFooters: true }),
      document.getFootnotes(),
      document.getEndnotes(),
      document.getAnnotations(),
      document.getTextboxes({ includeHeadersAndFooters: true, includeBody: true }),
    ]) {
      text.add(part);
      text.add("\n\n");
    }
    return text.result();
  } catch (error) {
    if (error instanceof ExtractError) throw error;
    throw new ExtractError("failed", `damaged Word 97-2003 document: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Refuses a compound-file header whose allocation tables could not fit in the file: word-extractor allocates
 * a buffer of the size the header claims before reading it.
 */
function assertHeaderFitsFile(bytes: Buffer): void {
  if (bytes.length < 512) throw new ExtractError("failed", "damaged Word 97-2003 document: shorter than its header");
  const sectorShift = bytes.readUInt16LE(30);
  if (sectorShift !== 9 && sectorShift !== 12) throw new ExtractError("failed", "damaged Word 97-2003 document: unknown sector size");
  const sectors = Math.ceil(bytes.length / (1 << sectorShift));
  const fatSectors = bytes.readInt32LE(44);
  const miniFatSectors = bytes.readInt32LE(64);
  const difatSectors = bytes.readInt32LE(72);
  for (const count of [fatSectors, miniFatSectors, difatSectors])
    if (count < 0 || count > sectors) throw new ExtractError("failed", "damaged Word 97-2003 document: its allocation tables are larger than the file");
}

/** Whether the WordDocument stream's FIB says the document is encrypted (its text would read as noise). */
async function isEncrypted(bytes: Buffer): Promise<boolean> {
  const compound = await new OleCompoundDoc(new BufferReader(bytes)).read();
  const stream = compound.stream("WordDocument");
  const head = await firstChunk(stream);
  if (head.length < 12) throw new ExtractError("failed", "damaged Word 97-2003 document: no WordDocument stream");
  const flags = head.readUInt16LE(0x0a);
  return (flags & (F_ENCRYPTED | F_OBFUSCATED)) !== 0;
}

function firstChunk(stream: StorageStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    stream.once("data", (chunk: Buffer) => {
      stream.pause();
      resolve(chunk);
    });
    stream.once("end", () => resolve(Buffer.alloc(0)));
    stream.once("error", reject);
  });
}
