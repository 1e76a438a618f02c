// Generates the PWA icons (public/icons/icon-192.png, icon-512.png) with no dependencies: the mark
// is drawn into an RGBA buffer and encoded as PNG with node:zlib. Run: node scripts/make-icons.mjs
// The same mark (three bars on a bench line, on #1f3a5f) is drawn by hand in public/favicon.svg.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const BACKGROUND = [0x1f, 0x3a, 0x5f];
const LIGHT = [0xf7, 0xf8, 0xfa];
const ACCENT = [0xf2, 0xa5, 0x41];

// The mark in a 0..1 unit square. Everything sits inside the central 80% (the maskable safe zone),
// so the same image works as a plain and as a maskable icon.
const SHAPES = [
  { x0: 0.26, y0: 0.47, x1: 0.36, y1: 0.67, color: LIGHT },
  { x0: 0.45, y0: 0.29, x1: 0.55, y1: 0.67, color: LIGHT },
  { x0: 0.64, y0: 0.39, x1: 0.74, y1: 0.67, color: ACCENT },
  { x0: 0.2, y0: 0.7, x1: 0.8, y1: 0.74, color: LIGHT }, // the bench top
];

// 4x4 supersampling so edges that do not fall on pixel boundaries are anti-aliased.
const SS = 4;

function render(size) {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const u = (x + (sx + 0.5) / SS) / size;
          const v = (y + (sy + 0.5) / SS) / size;
          const hit = SHAPES.find((s) => u >= s.x0 && u < s.x1 && v >= s.y0 && v < s.y1);
          const c = hit ? hit.color : BACKGROUND;
          for (let k = 0; k < 3; k++) acc[k] += c[k];
        }
      }
      const o = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = Math.round(acc[k] / (SS * SS));
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // bytes 10-12: compression 0, filter 0, interlace 0
  // Each scanline starts with filter byte 0 (none); zlib does the compressing.
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(join(root, 'public/icons'), { recursive: true });
for (const size of [192, 512]) {
  const file = join(root, `public/icons/icon-${size}.png`);
  writeFileSync(file, encodePng(size, render(size)));
  console.log(`wrote ${file}`);
}
