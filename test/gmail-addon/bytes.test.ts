import { expect } from "chai";
import { createHash } from "node:crypto";
import { textSource } from "../../gmail-addon/src/adapters/bytes.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("a mail's raw text as bytes, encoded piece by piece", () => {
  it("gives the exact UTF-8 bytes whatever the slices, also when a piece boundary falls inside æ, ø, å or an emoji", async () => {
    // 3.5 million characters with multi-byte ones everywhere, so boundaries land inside them.
    const unit = "Subject: Ansøgning fra Ærø 😀 — vedhæftet\r\n";
    const text = unit.repeat(Math.ceil(3_500_000 / unit.length));
    const expected = Buffer.from(text, "utf8");
    const source = textSource(text, "mail.eml", "message/rfc822");
    expect(source.size).to.equal(expected.length);
    for (const slice of [8 * 1024 * 1024, 1_000_003, 4096]) {
      const parts: Uint8Array[] = [];
      for (let at = 0; at < source.size; at += slice) parts.push(await source.read(at, slice));
      expect(sha(Buffer.concat(parts)), `slices of ${slice}`).to.equal(sha(expected));
    }
    expect(Buffer.from(await source.read(source.size - 10, 100)).equals(expected.subarray(expected.length - 10))).to.equal(true);
  });

  it("an empty message is zero bytes", async () => {
    const source = textSource("", "x.eml", "message/rfc822");
    expect(source.size).to.equal(0);
    expect((await source.read(0, 10)).length).to.equal(0);
  });
});
