// `npm run bench -- --only serve`: `benchtop serve` on a real bundle (penguins, auto-prepare +
// logreg, written as `benchtop train` writes it) against a bare node:http handler that reads the
// body and answers a fixed JSON, in the same run, each under autocannon (programmatic API) with 50
// connections sending single-row POST /predict requests (50 different penguins in turn) for ~10 s.
// Both servers run as child processes logging to a pipe that is read and dropped, as a container
// logs to stdout. `benchtop serve` is measured with request batching on (the default) and off.
// Figures: requests/s and p99 latency, and their ratios to the bare handler.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
// @ts-expect-error autocannon ships no types (and @types/autocannon is not installed)
import autocannonUntyped from 'autocannon';
import { bundleInputFromFinal, writeBundle } from '../src/core/bundle';
import { frameRow } from '../src/core/data/frame';
import { trainFinal } from '../src/core/evaluate';
import { nodeTf } from '../src/core/models/node-tf';
import { autoFor } from '../tests/unit/bundle-helpers';

/** The part of autocannon's programmatic API used here. */
interface RequestSpec {
  method: string;
  headers: Record<string, string>;
  body?: string;
}
const autocannon = autocannonUntyped as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: (RequestSpec & { setupRequest(req: RequestSpec): RequestSpec })[];
}) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;

export interface ServeRun {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface ServeFigures {
  connections: number;
  seconds: number;
  bare: ServeRun;
  batched: ServeRun;
  unbatched: ServeRun;
  /** benchtop serve (batched) / bare handler. */
  throughputRatio: number;
  p99Ratio: number;
  unbatchedThroughputRatio: number;
  unbatchedP99Ratio: number;
}

const BARE = `
const http = require('node:http');
const body = JSON.stringify({ predictions: [{ label: 'Adelie', probabilities: { Adelie: 0.98, Chinstrap: 0.01, Gentoo: 0.01 } }] });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    process.stdout.write(new Date().toISOString() + ' ' + req.method + ' ' + req.url + ' 200\\n');
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** Starts a child and resolves with the URL it prints; its further output is read and dropped. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', () => {}); // keep the pipe drained
        resolve({ child, url: m[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${out}`)),
    );
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function load(
  name: string,
  url: string,
  bodies: string[],
  seconds: number,
): Promise<ServeRun> {
  let i = 0;
  const result = await autocannon({
    url: `${url}/predict`,
    connections: 50,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }),
      },
    ],
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export async function benchServe(seconds = 10): Promise<ServeFigures> {
  mkdirSync('bench/results', { recursive: true });
  const { tf } = await nodeTf('wasm');
  const d = await autoFor('tests/fixtures/cv/penguins.csv', 'Species');
  const final = await trainFinal(tf, d.frame, d.recipe);
  const zipPath = 'bench/results/serve-penguins.benchtop.zip';
  try {
    const zip = await writeBundle(
      await bundleInputFromFinal(tf, final, d.frame, {
        name: 'Penguin species',
        created: new Date().toISOString(),
      }),
    );
    writeFileSync(zipPath, zip);
  } finally {
    final.model.dispose();
  }
  const bodies = Array.from({ length: 50 }, (_, k) => {
    const { Species: _s, ...row } = frameRow(d.frame, (k * 7) % d.frame.rows);
    return JSON.stringify({ rows: [row] });
  });

  const bare = await start(['-e', BARE]);
  const bareRun = await load('bare node:http handler', bare.url, bodies, seconds);
  await stop(bare.child);

  const runs: ServeRun[] = [];
  for (const batch of ['on', 'off']) {
    const s = await start(['bin/benchtop.mjs', 'serve', zipPath, '--port', '0', '--batch', batch]);
    // One warm-up second (tfjs kernels, JIT), not counted.
    await load('warm-up', s.url, bodies, 1);
    runs.push(await load(`benchtop serve (batch ${batch})`, s.url, bodies, seconds));
    await stop(s.child);
  }
  const [batched, unbatched] = runs;
  return {
    connections: 50,
    seconds,
    bare: bareRun,
    batched,
    unbatched,
    throughputRatio: batched.requestsPerSecond / bareRun.requestsPerSecond,
    p99Ratio: batched.p99Ms / bareRun.p99Ms,
    unbatchedThroughputRatio: unbatched.requestsPerSecond / bareRun.requestsPerSecond,
    unbatchedP99Ratio: unbatched.p99Ms / bareRun.p99Ms,
  };
}
