// `benchtop serve` on loopback (port 0) with real bundles (penguins: 3-class logreg with one-hot
// categories and missing values; cars: linear regression): 50 requests in parallel, each a
// different penguin, all answered with exactly what src/core/inference predicts for that row alone,
// with bad requests (invalid JSON, no rows, a missing or wrongly typed column) mixed in and
// answered 400 naming the problem, with batching on and off; a 50 MB body answered 413 (with a
// Content-Length, chunked, and with Expect: 100-continue) after which /health still answers;
// 404 / 405; one log line per request; requests in flight are answered during a shutdown; and the
// real CLI (bin/benchtop.mjs serve) stops with exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { parseSize, startServer, type RunningServer } from '../../src/cli/serve';
import { readBundle, type Bundle } from '../../src/core/bundle';
import { frameRow, type Frame } from '../../src/core/data/frame';
import { loadPredictor, type Prediction } from '../../src/core/inference';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { DATA } from './bundle-helpers';
import { autoBundle, post, postHuge, requestRows } from './serve-helpers';

let tf: Tf;
let penguins: { bundle: Bundle; zip: Uint8Array; frame: Frame };
let cars: { bundle: Bundle; zip: Uint8Array; frame: Frame };

beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
  const p = await autoBundle(tf, DATA.penguins, 'Species', 'Penguin species');
  penguins = { ...p, bundle: await readBundle(p.zip) };
  const c = await autoBundle(tf, DATA.cars, 'Miles_per_Gallon', 'Fuel economy');
  cars = { ...c, bundle: await readBundle(c.zip) };
});

/** What src/core/inference predicts for each row on its own. */
async function expected(bundle: Bundle, rows: Record<string, unknown>[]): Promise<Prediction[]> {
  const predictor = await loadPredictor(tf, bundle);
  try {
    const out: Prediction[] = [];
    for (const row of rows) out.push((await predictor.predictRows([row])).predictions[0]);
    return out;
  } finally {
    predictor.dispose();
  }
}

function maxDiff(a: Prediction, b: Prediction): number {
  if ('value' in a && 'value' in b) return Math.abs(a.value - b.value);
  if ('label' in a && 'label' in b) {
    expect(a.label).toBe(b.label);
    return Math.max(
      ...Object.keys(b.probabilities).map((k) => Math.abs(a.probabilities[k] - b.probabilities[k])),
    );
  }
  throw new Error('prediction kinds differ');
}

describe('benchtop serve', () => {
  for (const batch of [true, false]) {
    describe(`batching ${batch ? 'on' : 'off'}`, () => {
      let server: RunningServer;
      const log: string[] = [];
      beforeAll(async () => {
        server = await startServer(tf, penguins.bundle, {
          port: 0,
          host: '127.0.0.1',
          maxBody: 10 * 1024 * 1024,
          batch,
          log: (line) => log.push(line),
        });
      });
      afterAll(async () => server.close());

      it('GET /health names the model and counts requests', async () => {
        const r = await fetch(`${server.url}/health`);
        expect(r.status).toBe(200);
        const h = (await r.json()) as Record<string, unknown>;
        expect(h).toMatchObject({
          status: 'ok',
          model: { name: 'Penguin species', version: '1.2.3' },
          task: 'classification',
          labels: ['Adelie', 'Chinstrap', 'Gentoo'],
          backend: 'wasm',
        });
        expect((h.inputs as { name: string }[]).map((c) => c.name)).toEqual([
          'Island',
          'Beak Length (mm)',
          'Beak Depth (mm)',
          'Flipper Length (mm)',
          'Body Mass (g)',
          'Sex',
        ]);
        expect(h.uptimeSeconds).toBeGreaterThanOrEqual(0);
      });

      it('50 parallel single-row requests with bad ones mixed in: each answered correctly', async () => {
        const all = Array.from({ length: penguins.frame.rows }, (_, i) =>
          frameRow(penguins.frame, i),
        );
        // 50 different penguins spread over the file (every species, some with missing values).
        const rows = requestRows(
          Array.from({ length: 50 }, (_, i) => all[(i * 7) % all.length]),
          'Species',
        );
        const want = await expected(penguins.bundle, rows);
        const good = rows.map((row) => post(server.url, { rows: [row] }));
        const { Sex: _s, ...noSex } = rows[0];
        const bad = [
          post(server.url, '{"rows": [{"Island": ', true),
          post(server.url, { data: rows.slice(0, 2) }),
          post(server.url, { rows: 'all of them' }),
          post(server.url, { rows: [rows[1], 42] }),
          post(server.url, { rows: [noSex] }),
          post(server.url, { rows: [rows[2], { ...rows[3], 'Body Mass (g)': 'heavy' }] }),
        ];
        const [answers, errors] = await Promise.all([Promise.all(good), Promise.all(bad)]);
        answers.forEach((a, i) => {
          expect(a.status).toBe(200);
          const predictions = a.json.predictions as Prediction[];
          expect(predictions).toHaveLength(1);
          expect(maxDiff(predictions[0], want[i])).toBeLessThanOrEqual(1e-6);
        });
        expect(errors.map((e) => e.status)).toEqual([400, 400, 400, 400, 400, 400]);
        const messages = errors.map((e) => e.json.error as string);
        expect(messages[0]).toMatch(
          /^The request body is not valid JSON \(.+\)\. Send \{"rows": \[\{"Island":/,
        );
        expect(messages[1]).toMatch(/^The request needs "rows": a list of objects/);
        expect(messages[2]).toMatch(/^"rows" must be a list of objects/);
        expect(messages[3]).toBe('Row 2 is not an object of column: value pairs (found 42).');
        expect(messages[4]).toBe(
          "The row has no column 'Sex', which the model needs. Add it (null or an empty value marks a value as unknown).",
        );
        expect(messages[5]).toBe(
          `Column 'Body Mass (g)' should hold a number, but row 2 has "heavy".`,
        );
      });

      it('a multi-row request: predictions in order, ignored columns and unseen categories noted', async () => {
        const rows = requestRows(
          [0, 100, 200, 300].map((i) => frameRow(penguins.frame, i)),
          'Species',
        );
        rows[1] = { ...rows[1], note: 'tagged', Island: 'Atlantis' };
        const r = await post(server.url, { rows });
        expect(r.status).toBe(200);
        const want = await expected(penguins.bundle, rows);
        (r.json.predictions as Prediction[]).forEach((p, i) =>
          expect(maxDiff(p, want[i])).toBeLessThanOrEqual(1e-6),
        );
        expect(r.json.warnings).toEqual([
          "ignored columns the model does not use: 'note'",
          "column 'Island' has values never seen in training: 'Atlantis'",
        ]);
        const empty = await post(server.url, { rows: [] });
        expect(empty).toEqual({ status: 200, json: { predictions: [] } });
      });

      it('a 50 MB body is answered 413 and the server keeps serving', async () => {
        const mb50 = 50 * 1024 * 1024;
        const declared = await postHuge(server.url, mb50);
        expect(declared.status).toBe(413);
        expect(JSON.parse(declared.body).error).toBe(
          "The request body (50 MB) is larger than this server's limit of 10 MB. Send fewer rows per request (split the batch), or start the server with a larger --max-body.",
        );
        const chunked = await postHuge(server.url, mb50, { chunked: true });
        expect(chunked.status).toBe(413);
        expect(JSON.parse(chunked.body).error).toMatch(
          /^The request body is larger than this server's limit of 10 MB/,
        );
        // With Expect: 100-continue the body is refused before a byte of it is sent.
        const asked = await postHuge(server.url, mb50, { expectContinue: true });
        expect(asked.status).toBe(413);
        expect(asked.bytesSent).toBe(0);
        const health = await fetch(`${server.url}/health`);
        expect(health.status).toBe(200);
        const row = requestRows([frameRow(penguins.frame, 5)], 'Species');
        expect((await post(server.url, { rows: row })).status).toBe(200);
      });

      it('other paths 404, other methods 405 with Allow', async () => {
        const missing = await fetch(`${server.url}/predictions`);
        expect(missing.status).toBe(404);
        expect(((await missing.json()) as { error: string }).error).toBe(
          'Nothing at /predictions. This server answers GET /health and POST /predict.',
        );
        const get = await fetch(`${server.url}/predict`);
        expect(get.status).toBe(405);
        expect(get.headers.get('allow')).toBe('POST');
        const del = await fetch(`${server.url}/health`, { method: 'DELETE' });
        expect(del.status).toBe(405);
        expect(del.headers.get('allow')).toBe('GET, HEAD');
      });

      it('logs one line per request: time, client, method, path, status, duration', () => {
        expect(log.length).toBe(server.stats.requests);
        expect(log.length).toBeGreaterThan(60);
        for (const line of log) {
          expect(line).toMatch(
            /^\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1 (GET|POST|DELETE) \/\S* \d{3} \d+\.\dms/,
          );
        }
        expect(log.some((l) => / POST \/predict 413 /.test(l))).toBe(true);
        expect(log.some((l) => / POST \/predict 200 [\d.]+ms 1 row$/.test(l))).toBe(true);
      });
    });
  }

  it('regression: {"value": x} per row, equal to src/core/inference', async () => {
    const server = await startServer(tf, cars.bundle, {
      port: 0,
      host: '127.0.0.1',
      maxBody: 1024 * 1024,
    });
    try {
      const rows = requestRows(
        Array.from({ length: 40 }, (_, i) => frameRow(cars.frame, i * 9)),
        'Miles_per_Gallon',
      );
      const want = await expected(cars.bundle, rows);
      const answers = await Promise.all(rows.map((row) => post(server.url, { rows: [row] })));
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        const p = (a.json.predictions as Prediction[])[0];
        expect(Object.keys(p)).toEqual(['value']);
        expect(maxDiff(p, want[i])).toBeLessThanOrEqual(1e-6);
      });
      // A 2 MB body against a 1 MB limit.
      const big = await post(server.url, { rows: Array(40000).fill(rows[0]) });
      expect(big.status).toBe(413);
      expect(big.json.error).toMatch(/larger than this server's limit of 1 MB/);
    } finally {
      await server.close();
    }
  });

  it('a shutdown answers the requests in flight, then refuses new connections', async () => {
    const server = await startServer(tf, penguins.bundle, {
      port: 0,
      host: '127.0.0.1',
      maxBody: 1024 * 1024,
    });
    const body = JSON.stringify({ rows: requestRows([frameRow(penguins.frame, 0)], 'Species') });
    // A request whose body is still arriving when the shutdown starts.
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/predict`,
        { method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const closed = server.close();
    const r = await answered;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).predictions).toHaveLength(1);
    await closed;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('the CLI: usage errors exit 2; SIGTERM stops a running server with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-serve-'));
    const path = join(dir, 'penguins.benchtop.zip');
    writeFileSync(path, penguins.zip);
    const run = async (...args: string[]) => {
      let stderr = '';
      const code = await main(args, { stdout: () => {}, stderr: (t) => void (stderr += t) });
      return { code, stderr };
    };
    expect(await run('serve')).toEqual({
      code: 2,
      stderr: 'error: serve: serve needs a bundle: benchtop serve <bundle.zip> [--port 8080]\n',
    });
    expect((await run('serve', path, '--port', 'http')).stderr).toBe(
      "error: serve: --port must be a whole number from 0 to 65535 (got 'http').\n",
    );
    expect((await run('serve', path, '--max-body', 'lots')).stderr).toBe(
      "error: serve: --max-body must be a size such as 512kb, 10mb or 1gb (got 'lots').\n",
    );
    expect(await run('serve', join(dir, 'nope.zip'))).toEqual({
      code: 1,
      stderr: `error: no such bundle: ${join(dir, 'nope.zip')}\n`,
    });
    expect(parseSize('10mb')).toBe(10 * 1024 * 1024);
    expect(parseSize('512KB')).toBe(512 * 1024);
    expect(parseSize('1000')).toBe(1000);

    const child = spawn(process.execPath, ['bin/benchtop.mjs', 'serve', path, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL in: ${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect(out).toMatch(/^serving Penguin species 1\.2\.3 \(classification, 3 classes\) on http/);
    const rows = requestRows([frameRow(penguins.frame, 10)], 'Species');
    expect((await post(url, { rows })).status).toBe(200);
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/POST \/predict 200 [\d.]+ms 1 row\n/);
    expect(out).toMatch(/stopped after 1 requests \(0 answered with an error\)\.\n$/);
  });
});
