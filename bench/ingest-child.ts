// One measurement in a fresh process, so peak memory (maxRSS) belongs to that job alone.
// Usage: node --import tsx bench/ingest-child.ts <papaparse|benchtop|idle> <file.csv>
import { createReadStream, readFileSync, statSync } from 'node:fs';
import Papa from 'papaparse';
import { ingest } from '../src/core/ingest/index';
import type { ByteSource } from '../src/core/ingest/types';

const [mode, file] = process.argv.slice(2);

function fileSource(path: string): ByteSource {
  return {
    name: path,
    size: statSync(path).size,
    async *chunks() {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
        yield chunk as Uint8Array;
    },
  };
}

const t0 = performance.now();
let rows = 0;
if (mode === 'papaparse') {
  // The baseline: papaparse only splitting the same bytes into string rows (no typing).
  const text = readFileSync(file, 'utf8');
  rows = Papa.parse<string[]>(text).data.length - 1;
} else if (mode === 'benchtop') {
  const result = await ingest(fileSource(file));
  rows = result.table.numRows;
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  JSON.stringify({ mode, rows, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
);
