// The main-thread budget: JavaScript that index.html loads (entry + its static imports and
// modulepreloads) must stay <= 150 KB gzip, so tfjs and Arrow stay in workers.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET = 150 * 1024;
const dist = 'dist';
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = new Set();
for (const m of html.matchAll(
  /<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g,
)) {
  scripts.add(m[1].replace(/^\.?\//, ''));
}
// Static imports of the entry chunk are loaded too; follow them.
const seen = new Set();
const queue = [...scripts];
let total = 0;
const rows = [];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file));
  const gz = gzipSync(code, { level: 9 }).byteLength;
  total += gz;
  rows.push(`${(gz / 1024).toFixed(1).padStart(7)} KB  ${file}`);
  for (const m of code
    .toString('utf8')
    .matchAll(/(?:^|[;\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    queue.push(join(file, '..', m[1]).replace(/\\/g, '/'));
  }
}
console.log(rows.join('\n'));
console.log(
  `JavaScript loaded by index.html: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB)`,
);
if (total > BUDGET) {
  console.error(
    'error: over the main-thread budget; move heavy code into a worker or a lazy chunk.',
  );
  process.exit(1);
}
