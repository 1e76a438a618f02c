// Browser figures for `npm run bench`: ingest in a real Chromium worker (vs papaparse in the same
// worker, same run), and main-thread long tasks while the built app imports the file.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
];
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export interface BrowserFigures {
  worker?: { papaparseSeconds: number; benchtopSeconds: number; runs: unknown[] };
  app?: { seconds: number; longTasks: { start: number; duration: number }[]; longest: number };
}

async function serve(
  routes: Record<string, { type: string; body: Buffer | string }>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? '/'];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': route.type, ...HEADERS }).end(route.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function workerFigures(csvPath: string, repeat: number): Promise<BrowserFigures['worker']> {
  const bundle = await build({
    entryPoints: ['bench/browser-worker.ts'],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    minify: true,
  });
  const { server, url } = await serve({
    '/': { type: 'text/html', body: '<!doctype html><title>bench</title>' },
    '/worker.js': { type: 'text/javascript', body: Buffer.from(bundle.outputFiles[0].contents) },
    '/data.csv': { type: 'text/csv', body: readFileSync(csvPath) },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    // tsx compiles this file with keepNames, which wraps functions in `__name(...)`; functions we
    // hand to page.evaluate run in the page, so give it that helper.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto(url);
    const runs = await page.evaluate(async (repeat) => {
      const blob = await (await fetch('/data.csv')).blob();
      const worker = new Worker('/worker.js', { type: 'module' });
      const once = (mode: string) =>
        new Promise<{ mode: string; rows: number; seconds: number }>((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
          worker.postMessage({ mode, blob });
        });
      const out = [];
      for (let i = 0; i < repeat; i++) {
        out.push(await once('papaparse'));
        out.push(await once('benchtop'));
      }
      return out;
    }, repeat);
    const med = (mode: string) => {
      const xs = runs
        .filter((r) => r.mode === mode)
        .map((r) => r.seconds)
        .sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    };
    return { papaparseSeconds: med('papaparse'), benchtopSeconds: med('benchtop'), runs };
  } finally {
    await browser.close();
    server.close();
  }
}

async function appFigures(csvPath: string): Promise<BrowserFigures['app']> {
  const port = 4179;
  const preview = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { stdio: 'ignore' },
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    for (let i = 0; i < 50; i++) {
      try {
        await page.goto(`http://127.0.0.1:${port}/`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: false });
    });
    const name = csvPath.split('/').pop() ?? '';
    const t0 = Date.now();
    await page.locator('input[type=file]').first().setInputFiles(csvPath);
    await page
      .getByTestId('dataset-list')
      .getByText(name.replace(/\.csv$/, ''), { exact: false })
      .first()
      .waitFor({ timeout: 600_000 });
    const seconds = (Date.now() - t0) / 1000;
    const longTasks = await page.evaluate(
      () =>
        (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
    );
    return { seconds, longTasks, longest: Math.max(0, ...longTasks.map((t) => t.duration)) };
  } finally {
    await browser.close();
    preview.kill();
  }
}

export async function ingestInBrowser(
  csvPath: string,
  opts: { repeat: number; ingest: boolean; longtask: boolean },
): Promise<BrowserFigures> {
  const out: BrowserFigures = {};
  if (opts.ingest) out.worker = await workerFigures(csvPath, opts.repeat);
  if (opts.longtask) out.app = await appFigures(csvPath);
  return out;
}
