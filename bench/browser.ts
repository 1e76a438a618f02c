// Browser figures for `npm run bench`: ingest in a real Chromium worker (vs papaparse in the same
// worker, same run) and that worker's peak memory; main-thread long tasks while the built app
// imports the file, shows it and renders its profile; and the app's data worker's peak memory.
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { MIXED_COLUMNS } from './gen-mixed-csv';

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

export interface LongTask {
  start: number;
  duration: number;
}

/** A long animation frame: one frame's script and rendering work, as the browser timed it. */
export interface LongFrame {
  start: number;
  duration: number;
  /** The part of the frame that kept input waiting (each task's time beyond 50 ms, summed). */
  blocking: number;
  /** Style, layout and paint at the end of the frame. */
  renderMs: number;
  /** Script run in the frame's tasks (all scripts summed). */
  scriptMs: number;
  /** The longest script of the frame ("ColumnCard.svelte ..."), for finding its cause. */
  script?: string;
}

/** Peak memory of one worker while it worked, above what it held idle just before. */
export interface WorkerMemory {
  /** V8 heap used + ArrayBuffer backing stores + Blink's heap in the worker, at the peak sample. */
  peakBytes: number;
  /** Split of the peak: JS objects vs ArrayBuffer contents (typed arrays, file chunks, IPC). */
  peakJsHeapBytes: number;
  peakArrayBufferBytes: number;
  idleBytes: number;
  samples: number;
}

export interface BrowserFigures {
  worker?: {
    papaparseSeconds: number;
    benchtopSeconds: number;
    runs: unknown[];
    memory: WorkerMemory;
  };
  app?: {
    /** File chosen -> dataset listed. */
    seconds: number;
    /** File chosen -> dataset selected and every profile card rendered. */
    shownSeconds: number;
    longTasks: LongTask[];
    longest: number;
    longFrames: LongFrame[];
    /** The app's data worker during a second import of the same file (parse, profile, IPC, store). */
    memory: WorkerMemory;
  };
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

interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/**
 * Watches the memory of one dedicated worker of `page` through the DevTools protocol.
 *
 * Why this measure: a worker's memory is its V8 heap (JS objects, strings) plus the ArrayBuffer
 * backing stores, which live outside the V8 heap. Ingest holds almost everything in typed arrays
 * (file chunks, column buffers, the Arrow IPC bytes), so the page-level JSHeapUsedSize
 * (Performance.getMetrics) would miss most of it, and it is the page's heap, not the worker's.
 * `performance.measureUserAgentSpecificMemory()` covers workers but answers once, after a GC
 * (often seconds later): it cannot see a peak. `Runtime.getHeapUsage` sent to the worker's own
 * target answers `usedSize` (V8 heap), `backingStorageSize` (ArrayBuffers and external strings)
 * and `embedderHeapUsedSize` (Blink objects in the worker, e.g. streams). The worker answers it
 * through a V8 interrupt, so it answers even in the middle of a synchronous parsing loop (checked:
 * samples keep arriving every ~25 ms while a worker spins). We poll it back to back and keep the
 * largest sum; it counts garbage not yet collected, which the process really holds at that moment.
 * A peak shorter than the polling interval can be missed, so this is a lower bound.
 *
 * Playwright opens CDP sessions on pages only, so the worker is reached through the page's
 * session with Target.setAutoAttach in non-flat mode (Target.sendMessageToTarget).
 */
async function watchWorker(page: Page, urlPart: string) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  let sessionId: string | null = null;
  let attached: () => void = () => undefined;
  const attachedOnce = new Promise<void>((r) => (attached = r));
  let nextId = 0;
  const waiting = new Map<number, (r: unknown) => void>();
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker' && e.targetInfo.url.includes(urlPart)) {
      sessionId = e.sessionId;
      attached();
    }
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    if (e.sessionId === sessionId) sessionId = null;
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const msg = JSON.parse(e.message) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id === undefined) return;
    waiting.get(msg.id)?.(msg.result ?? {});
    waiting.delete(msg.id);
  });
  // Attaches to the matching worker that exists now or starts later.
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  const call = async (method: string): Promise<unknown> => {
    await attachedOnce;
    if (sessionId === null) throw new Error(`the worker (${urlPart}) went away while measured`);
    const id = ++nextId;
    const reply = new Promise<unknown>((r) => waiting.set(id, r));
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method }),
    });
    return reply;
  };
  const usage = async () => {
    const u = (await call('Runtime.getHeapUsage')) as HeapUsage;
    const js = u.usedSize + (u.embedderHeapUsedSize ?? 0);
    const buffers = u.backingStorageSize ?? 0;
    return { js, buffers, total: js + buffers };
  };

  let polling: Promise<WorkerMemory> | null = null;
  let stop = false;
  return {
    /** Waits for the worker, collects its garbage and notes what it holds idle; then polls. */
    async start(): Promise<void> {
      await call('HeapProfiler.collectGarbage');
      const idle = await usage();
      stop = false;
      polling = (async () => {
        let peak = idle;
        let samples = 0;
        while (!stop) {
          const u = await usage();
          samples++;
          if (u.total > peak.total) peak = u;
          await new Promise((r) => setTimeout(r, 5));
        }
        return {
          peakBytes: Math.max(0, peak.total - idle.total),
          peakJsHeapBytes: Math.max(0, peak.js - idle.js),
          peakArrayBufferBytes: Math.max(0, peak.buffers - idle.buffers),
          idleBytes: idle.total,
          samples,
        };
      })();
    },
    async stop(): Promise<WorkerMemory> {
      stop = true;
      const result = await (polling ?? Promise.reject(new Error('watchWorker: not started')));
      await cdp.detach().catch(() => undefined);
      return result;
    },
  };
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

    await page.close();

    // Memory: one more benchtop run, in a fresh page and worker (polling would disturb the timed
    // runs, and the timed runs' garbage would blur the idle figure).
    const memPage = await browser.newPage();
    await memPage.addInitScript({ content: 'window.__name = (f) => f;' });
    await memPage.goto(url);
    const watch = await watchWorker(memPage, '/worker.js');
    await memPage.evaluate(async () => {
      const w = window as unknown as { __memWorker: Worker; __blob: Blob };
      w.__blob = await (await fetch('/data.csv')).blob();
      w.__memWorker = new Worker('/worker.js', { type: 'module' });
    });
    await watch.start();
    await memPage.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const w = window as unknown as { __memWorker: Worker; __blob: Blob };
          w.__memWorker.onmessage = (e) => resolve(e.data);
          w.__memWorker.onerror = (e) => reject(new Error(e.message));
          w.__memWorker.postMessage({ mode: 'benchtop', blob: w.__blob });
        }),
    );
    const memory = await watch.stop();

    const med = (mode: string) => {
      const xs = runs
        .filter((r) => r.mode === mode)
        .map((r) => r.seconds)
        .sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    };
    return { papaparseSeconds: med('papaparse'), benchtopSeconds: med('benchtop'), runs, memory };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Installs long-task and long-animation-frame observers in the page (cleared on each call). */
async function observeMainThread(page: Page): Promise<void> {
  await page.evaluate(() => {
    interface Entry {
      startTime: number;
      duration: number;
      blockingDuration?: number;
      renderStart?: number;
      scripts?: { duration: number; sourceURL?: string; sourceFunctionName?: string }[];
    }
    const w = window as unknown as { __longTasks: unknown[]; __longFrames: unknown[] };
    w.__longTasks = [];
    w.__longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: false });
    // Long animation frames also count style, layout and paint, which a long task can leave out.
    try {
      new PerformanceObserver((list) => {
        for (const raw of list.getEntries()) {
          const e = raw as unknown as Entry;
          const end = e.startTime + e.duration;
          const top = [...(e.scripts ?? [])].sort((a, b) => b.duration - a.duration)[0];
          w.__longFrames.push({
            start: e.startTime,
            duration: e.duration,
            blocking: e.blockingDuration ?? 0,
            renderMs: e.renderStart ? end - e.renderStart : 0,
            scriptMs: (e.scripts ?? []).reduce((sum, x) => sum + x.duration, 0),
            script: top
              ? `${top.sourceFunctionName || '(anonymous)'} ${(top.sourceURL ?? '').split('/').pop()} ${Math.round(top.duration)} ms`
              : undefined,
          });
        }
      }).observe({ type: 'long-animation-frame', buffered: false });
    } catch {
      // Browsers without the Long Animation Frames API: long tasks only.
    }
  });
}

/**
 * Serves `dist` with `vite preview` on a free port (others' test servers come and go on the usual
 * ones). Vite is started directly, not through npx, whose child would outlive a kill and keep
 * serving an old build; a server that exits early fails the bench instead of being waited for.
 */
async function preview(dist: string) {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const addr = probe.address();
        probe.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
  });
  const child = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
      '--outDir',
      dist,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    url: `http://127.0.0.1:${port}/`,
    check() {
      if (exited) throw new Error(`vite preview on port ${port} stopped: ${stderr.trim()}`);
    },
    stop: () => child.kill(),
  };
}

async function appFigures(csvPath: string, dist: string): Promise<BrowserFigures['app']> {
  const server = await preview(dist);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 300));
      server.check();
      try {
        await page.goto(server.url);
        break;
      } catch (err) {
        if (i >= 50) throw err;
      }
    }
    server.check();
    await page.getByTestId('dataset-count').waitFor();
    const name = (csvPath.split('/').pop() ?? '').replace(/\.csv$/, '');
    const cards = page.getByTestId('column-card');
    await observeMainThread(page);
    const t0 = Date.now();
    await page.locator('input[type=file]').first().setInputFiles(csvPath);
    await page
      .getByTestId('dataset-list')
      .getByText(name, { exact: false })
      .first()
      .waitFor({ timeout: 600_000 });
    const seconds = (Date.now() - t0) / 1000;
    // The window runs on until the dataset is shown with every profile card, and a second more:
    // mounting the view after an import is part of the import a person waits through.
    await page.getByTestId('dataset-title').getByText(name).waitFor({ timeout: 60_000 });
    await cards.nth(MIXED_COLUMNS - 1).waitFor({ timeout: 60_000 });
    const shownSeconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(1000);
    const { longTasks, longFrames } = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: LongTask[]; __longFrames: LongFrame[] };
      return { longTasks: w.__longTasks, longFrames: w.__longFrames };
    });

    // Memory of the app's data worker: the same file once more (the worker exists by now).
    const watch = await watchWorker(page, 'data.worker');
    await watch.start();
    await page.locator('input[type=file]').first().setInputFiles(csvPath);
    await page.getByTestId('dataset-count').getByText('2').waitFor({ timeout: 600_000 });
    await page.getByTestId('import-progress').waitFor({ state: 'detached', timeout: 60_000 });
    const memory = await watch.stop();

    return {
      seconds,
      shownSeconds,
      longTasks,
      longest: Math.max(0, ...longTasks.map((t) => t.duration)),
      longFrames,
      memory,
    };
  } finally {
    await browser.close();
    server.stop();
  }
}

export async function ingestInBrowser(
  csvPath: string,
  opts: { repeat: number; ingest: boolean; longtask: boolean; dist?: string },
): Promise<BrowserFigures> {
  const out: BrowserFigures = {};
  if (opts.ingest) out.worker = await workerFigures(csvPath, opts.repeat);
  if (opts.longtask) out.app = await appFigures(csvPath, opts.dist ?? 'dist');
  return out;
}

// ---- preview-longtask (issue 3): main-thread long tasks while the Prepare tab previews 1M rows ----

export interface PrepareBrowserFigures {
  rows: number;
  /** File chosen -> dataset listed with its profile shown (before the measured window). */
  importSeconds: number;
  /** Auto-prepare clicked -> every step's preview shown. */
  autoPreviewSeconds: number;
  /** A setting of the added step edited -> its new preview shown. */
  editPreviewSeconds: number;
  steps: string[];
  /** The Cancel button of a slow preview: seen (with a screenshot), or the preview was faster. */
  cancelSeen: boolean;
  screenshot?: string;
  /** From opening the Prepare tab to the last re-preview shown + 1 s. */
  windowSeconds: number;
  longTasks: LongTask[];
  longest: number;
  longFrames: LongFrame[];
  /** With BENCH_TRACE=1: where the main thread's long tasks spent their time (CDP trace). */
  trace?: TraceSummary;
}

export interface TraceSummary {
  file: string;
  /** Main-thread tasks in the trace. */
  taskCount: number;
  /** The longest main-thread tasks (over 50 ms or not: the margin matters too), with their parts. */
  longest: { start: number; duration: number; parts: { name: string; ms: number }[] }[];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; frame?: string } };
}

/**
 * Where the main thread's longest tasks went, from a Chromium trace: each task's direct parts
 * (a script call named by function and file, style recalculation, layout, paint, GC), summed by
 * name, heaviest first. Enough to tell "Svelte rendering of the sample table" from "structured
 * clone of a message" without opening the trace in DevTools.
 */
export function summarizeTrace(json: string, file: string, top = 5): TraceSummary {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur)
    .sort((a, b) => a.ts - b.ts);
  const runTasks = onMain.filter((e) => e.name === 'RunTask');
  const longest = [...runTasks]
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
    .slice(0, top)
    .map((task) => {
      const end = task.ts + (task.dur ?? 0);
      const parts = new Map<string, number>();
      // Direct children only: an event inside the task not inside an earlier child.
      let childEnd = -Infinity;
      for (const e of onMain) {
        if (e === task || e.ts < task.ts || e.ts >= end || e.ts < childEnd) continue;
        childEnd = e.ts + (e.dur ?? 0);
        const d = e.args?.data;
        const name =
          e.name === 'FunctionCall' || e.name === 'EvaluateScript'
            ? `${e.name} ${d?.functionName || '(anonymous)'} ${(d?.url ?? '').split('/').pop()}`
            : e.name;
        parts.set(name, (parts.get(name) ?? 0) + (e.dur ?? 0) / 1000);
      }
      return {
        start: task.ts / 1000,
        duration: (task.dur ?? 0) / 1000,
        parts: [...parts]
          .map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10 }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 6),
      };
    });
  return { file, taskCount: runTasks.length, longest };
}

/**
 * The issue-3 browser figure. Imports `csvPath` (bench/gen-prepare-csv.ts: ~1M rows x 12 mixed
 * columns) into the built app and, once its profile is shown, measures the main thread while a
 * person prepares it: open the Prepare tab, choose the target, auto-prepare (every step previewed
 * by the data worker on the whole dataset), click through each step's preview (and its histogram
 * columns), add an outlier step and edit one of its settings (a re-preview). A preview slower than
 * a second shows progress and a Cancel button: it is screenshotted when seen. With BENCH_TRACE=1
 * the window is also traced through CDP (playwright's startTracing) and summarised.
 */
export async function prepareInBrowser(
  csvPath: string,
  opts: {
    rows: number;
    target: string;
    columns: number;
    dist?: string;
    trace?: boolean;
    /** Emulates a slower device (CDP CPU throttling of the page) for the measured window. */
    cpuSlowdown?: number;
  },
): Promise<PrepareBrowserFigures> {
  const server = await preview(opts.dist ?? 'dist');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 300));
      server.check();
      try {
        await page.goto(server.url);
        break;
      } catch (err) {
        if (i >= 50) throw err;
      }
    }
    await page.getByTestId('dataset-count').waitFor();
    const name = (csvPath.split('/').pop() ?? '').replace(/\.csv$/, '');

    // The import is not measured here (the `longtask` phase does that): wait until it is over.
    const t0 = Date.now();
    await page.locator('input[type=file]').first().setInputFiles(csvPath);
    await page.getByTestId('dataset-title').getByText(name).waitFor({ timeout: 600_000 });
    await page.getByTestId('import-progress').waitFor({ state: 'detached', timeout: 60_000 });
    await page
      .getByTestId('column-card')
      .nth(opts.columns - 1)
      .waitFor({ timeout: 60_000 });
    const importSeconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(1500);

    const traceFile = 'bench/results/preview-longtask-trace.json';
    if (opts.trace) {
      await browser.startTracing(page, {
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8.execute',
          'blink.user_timing',
        ],
      });
    }
    if (opts.cpuSlowdown && opts.cpuSlowdown > 1) {
      // A slower device: Chromium throttles the page's main thread by this factor.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpuSlowdown });
    }
    await observeMainThread(page);
    const w0 = Date.now();
    const prepare = page.getByTestId('prepare');
    const idle = () =>
      prepare.and(page.locator('[data-preview="idle"]')).waitFor({ timeout: 300_000 });

    await page.getByTestId('tab-prepare').click();
    await prepare.waitFor();
    await page.getByTestId('target-select').selectOption(opts.target);
    await page.getByTestId('task-value').waitFor();

    const a0 = Date.now();
    await page.getByTestId('auto-prepare').click();
    const steps = page.getByTestId('step');
    const cancel = page.getByTestId('preview-cancel');
    // Either the Cancel button shows (the preview took over a second) or the preview is done.
    await cancel
      .or(prepare.and(page.locator('[data-preview="idle"]')))
      .first()
      .waitFor({
        timeout: 300_000,
      });
    let cancelSeen = false;
    let screenshot: string | undefined;
    if (await cancel.isVisible()) {
      cancelSeen = true;
      screenshot = 'bench/results/preview-longtask-cancel.png';
      await page.screenshot({ path: screenshot });
    }
    await idle();
    const count = await steps.count();
    await page
      .getByTestId('step-effect')
      .nth(count - 1)
      .waitFor({ timeout: 60_000 });
    const autoPreviewSeconds = (Date.now() - a0) / 1000;
    const kinds = await steps.evaluateAll((els) =>
      els.map((e) => (e as HTMLElement).dataset.kind ?? ''),
    );

    // Every step's preview, and each of its histogram columns.
    const shown = page.getByTestId('step-preview');
    for (let i = 0; i < count; i++) {
      await steps.nth(i).getByTestId('step-select').click();
      await shown.and(page.locator(`[data-step="${i}"]:not(.stale)`)).waitFor();
      const histColumn = shown.getByTestId('histogram-column');
      if (await histColumn.isVisible()) {
        const options = await histColumn
          .locator('option')
          .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
        for (const o of options.slice(1, 4)) await histColumn.selectOption(o);
      }
      await page.waitForTimeout(150);
    }

    // One more step by hand, then a setting edited: the recipe is previewed again.
    await page.getByTestId('add-step').click();
    await page.getByTestId('add-step-menu').locator('[data-kind="outliers.iqr"]').click();
    await steps.nth(count).waitFor();
    await idle();
    await shown.and(page.locator(`[data-step="${count}"]:not(.stale)`)).waitFor({
      timeout: 300_000,
    });
    const factor = page.getByTestId('step-detail').locator('[data-param="factor"] input');
    const e0 = Date.now();
    await factor.fill('2.5');
    await factor.press('Tab');
    await prepare.and(page.locator('[data-preview="pending"], [data-preview="running"]')).waitFor();
    await idle();
    await shown.and(page.locator(`[data-step="${count}"]:not(.stale)`)).waitFor();
    const editPreviewSeconds = (Date.now() - e0) / 1000;
    await page.waitForTimeout(1000);
    const windowSeconds = (Date.now() - w0) / 1000;

    const { longTasks, longFrames } = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: LongTask[]; __longFrames: LongFrame[] };
      return { longTasks: w.__longTasks, longFrames: w.__longFrames };
    });
    let trace: TraceSummary | undefined;
    if (opts.trace) {
      const buf = await browser.stopTracing();
      writeFileSync(traceFile, buf);
      trace = summarizeTrace(buf.toString('utf8'), traceFile);
    }
    return {
      rows: opts.rows,
      importSeconds,
      autoPreviewSeconds,
      editPreviewSeconds,
      steps: [...kinds, 'outliers.iqr'],
      cancelSeen,
      ...(screenshot ? { screenshot } : {}),
      windowSeconds,
      longTasks,
      longest: Math.max(0, ...longTasks.map((t) => t.duration)),
      longFrames,
      ...(trace ? { trace } : {}),
    };
  } finally {
    await browser.close();
    server.stop();
  }
}
// ---- end preview-longtask ------------------------------------------------------------------------
