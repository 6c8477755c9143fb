import { ExtractError } from "../../service/features/search/extract/limits.ts";

// Files and checks the extraction tests share: hostile and odd PDFs are written here at test time rather than
// committed, so each test shows what its file holds.

/** The ExtractError a promise is refused with; fails the test when it is not refused so. */
export async function refusal(promise: Promise<unknown>): Promise<ExtractError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExtractError) return error;
    throw error;
  }
  throw new Error("expected the file to be refused");
}

/** An object of a PDF being written: a dictionary, or a stream with its dictionary and data. */
export type PdfObject = string | { dictionary: string; data: Buffer };

/** Serialises objects 1…n (object 1 the catalog) with a cross-reference table; `encrypt` gets each stream's data and object number. */
export function writePdf(objects: PdfObject[], trailer = "", encrypt?: (data: Buffer, objectNumber: number) => Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((object, i) => {
    offsets.push(length);
    const n = i + 1;
    const body =
      typeof object === "string"
        ? Buffer.from(`${n} 0 obj\n${object}\nendobj\n`, "latin1")
        : (() => {
            const data = encrypt ? encrypt(object.data, n) : object.data;
            return Buffer.concat([
              Buffer.from(`${n} 0 obj\n<< ${object.dictionary} /Length ${data.length} >>\nstream\n`, "latin1"),
              data,
              Buffer.from("\nendstream\nendobj\n", "latin1"),
            ]);
          })();
    parts.push(body);
    length += body.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("") +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer} >>\nstartxref\n${length}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(xref, "latin1")]);
}
