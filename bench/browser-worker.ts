// Bench worker (bundled by bench/browser.ts with esbuild): times papaparse string rows vs
// Benchtop's typed ingest on the same Blob, inside a real Chromium worker.
import Papa from 'papaparse';
import { ingest } from '../src/core/ingest/index';
import type { ByteSource } from '../src/core/ingest/types';

function blobChunks(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    async *chunks() {
      const reader = blob.stream().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    },
  };
}

self.onmessage = async (e: MessageEvent<{ mode: 'papaparse' | 'benchtop'; blob: Blob }>) => {
  const { mode, blob } = e.data;
  const t0 = performance.now();
  let rows = 0;
  if (mode === 'papaparse') {
    rows = Papa.parse<string[]>(await blob.text()).data.length - 1;
  } else {
    rows = (await ingest(blobChunks(blob, 'bench.csv'))).table.numRows;
  }
  postMessage({ mode, rows, seconds: (performance.now() - t0) / 1000 });
};
