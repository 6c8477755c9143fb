/**
 * Draws the add-in's icon — a white document with a folded corner on an IMS Case blue rounded square — as
 * the PNG sizes Office asks for (16/32/80 ribbon, 32/64 task pane list, 64/128 Outlook) into addins/assets/.
 * Run it after changing the drawing: `npx tsx manifests/make-icons.ts`; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const ICON_SIZES = [16, 32, 64, 80, 128] as const;

type Rgb = readonly [number, number, number];
const BLUE: Rgb = [0x1b, 0x4f, 0x8a];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const FOLD: Rgb = [0xc9, 0xd8, 0xea];

/** Which colour covers the point (x, y) of the unit square, or null for transparent. */
function colourAt(x: number, y: number): Rgb | null {
  const r = 0.2; // corner radius of the background square
  const cx = Math.min(Math.max(x, 0.04 + r), 0.96 - r);
  const cy = Math.min(Math.max(y, 0.04 + r), 0.96 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  const [left, right, top, bottom, fold] = [0.29, 0.71, 0.19, 0.81, 0.14];
  if (x < left || x > right || y < top || y > bottom) return BLUE;
  const u = x - (right - fold);
  const v = y - top;
  if (u >= 0 && v <= fold) return u > v ? BLUE : FOLD;
  const onLine = x >= 0.36 && x <= 0.64 && [0.44, 0.56, 0.68].some((line) => Math.abs(y - line) <= 0.028);
  return onLine ? BLUE : WHITE;
}

/** RGBA pixels of one size, 4×4 supersampled so edges are smooth at 16 px. */
function draw(size: number): Buffer {
  const n = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let red = 0,
        green = 0,
        blue = 0,
        covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = colourAt((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!c) continue;
          red += c[0];
          green += c[1];
          blue += c[2];
          covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered) pixels.set([red / covered, green / covered, blue / covered, (255 * covered) / (n * n)].map(Math.round), at);
    }
  }
  return pixels;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG file (8-bit RGBA, no interlace) of square RGBA pixels. */
function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "addins", "assets");
mkdirSync(assets, { recursive: true });
for (const size of ICON_SIZES) {
  const file = path.join(assets, `icon-${size}.png`);
  writeFileSync(file, encodePng(size, draw(size)));
  process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
}
