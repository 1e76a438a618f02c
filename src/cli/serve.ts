// `benchtop serve <bundle.zip>`: a node:http inference server over one verified bundle, predicting
// through src/core/inference (the same code as the browser). DESIGN.md §7:
//   GET  /health   {status, model: {name, version}, task, inputs, uptimeSeconds, requests, backend}
//   POST /predict  {"rows": [{column: value}]} -> {"predictions": [{label, probabilities}]}, or
//                  [{value}] for regression; "warnings" lists ignored columns / unseen categories.
// Invalid JSON, a missing `rows`, missing or wrongly typed columns: 400 with {"error": message}.
// A body over --max-body (default 10 MB): 413 as soon as that is known (the Content-Length, or the
// bytes counted so far); the rest is discarded as it arrives, never buffered (see discardRest), and
// the server keeps serving. Other paths 404, other methods 405. One log line per request. SIGTERM / SIGINT:
// stop accepting, finish the requests in flight, exit 0 (what Kubernetes expects).
//
// Concurrency: requests waiting for the model are batched (all rows that arrived in one turn of
// the event loop go through one predictRows call, then are split back per request): one tfjs call
// per batch instead of per request. `npm run bench -- --only serve` measures it against unbatched
// calls. A batch with a bad request is retried request by request, so each error names its own rows.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle } from '../core/bundle';
import { exampleRow as exampleRowOf } from '../core/bundle/deploy/templates';
import { BenchtopError, toBenchtopError } from '../core/errors';
import { loadPredictor, quotedList, type Prediction, type Predictor } from '../core/inference';
import type { Tf } from '../core/models';
import { parseCommandLine, wholeNumberFlag } from './args';
import { startTf } from './cv';
import { loadBundleFile } from './predict';
import { PrepareUsageError } from './prepare';

export const SERVE_USAGE = `Usage: benchtop serve <bundle.zip> [--port 8080] [--host 127.0.0.1] [--max-body 10mb]

Serves a model bundle exported from Benchtop over HTTP (verified before use):
  GET  /health    model name and version, uptime, request counts
  POST /predict   {"rows": [{"column": value, ...}]}
                  -> {"predictions": [{"label": ..., "probabilities": {...}}]}  (classification)
                  -> {"predictions": [{"value": x}]}                             (regression)
A request with invalid JSON, no "rows", or a missing or wrongly typed column is answered 400 with
{"error": message}; a body over --max-body is answered 413. One line is logged per request.
SIGTERM or Ctrl-C stops it after the requests in flight are answered.

Options:
  --port N          port to listen on (default 8080; 0 picks a free one)
  --host H          address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --max-body SIZE   largest request body, e.g. 512kb, 10mb (default), 1gb or a byte count
  --batch on|off    batch concurrent requests into one model call (default on)
  --backend B       tfjs backend: wasm (default) or cpu
  -h, --help        show this help
`;

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** "10mb", "512kb", "1gb", "1048576" -> bytes; a usage error for anything else. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(text);
  if (!m) {
    throw new PrepareUsageError(
      `--max-body must be a size such as 512kb, 10mb or 1gb (got '${text}').`,
    );
  }
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const bytes = Math.floor(
    Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1),
  );
  if (bytes < 1) throw new PrepareUsageError('--max-body must be at least 1 byte.');
  return bytes;
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(2)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(2)} KB`;
  return `${bytes} bytes`;
}

export interface ServeOptions {
  port: number;
  host: string;
  maxBody: number;
  /** Batch concurrent requests into one predictRows call (default true). */
  batch?: boolean;
  /** One line per request (no newline); default: none. */
  log?: (line: string) => void;
  /** Milliseconds since some origin, for uptime and request times (default performance.now). */
  now?: () => number;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  predictor: Predictor;
  /** Stops accepting, waits for the requests in flight (up to `graceMs`), frees the model. */
  close(graceMs?: number): Promise<void>;
  stats: { requests: number; errors: number };
}

/** A request the client got wrong: answered with this status and {"error": message}. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Job {
  rows: Record<string, unknown>[];
  resolve(predictions: Prediction[]): void;
  reject(err: unknown): void;
}

/**
 * Queues predictRows calls and runs them in batches: every request that arrives while a batch is
 * being predicted (or within the same event-loop turn) joins the next one.
 */
class Batcher {
  private queue: Job[] = [];
  private running = false;

  constructor(
    private readonly predictor: Predictor,
    private readonly maxRows = 4096,
  ) {}

  predict(rows: Record<string, unknown>[]): Promise<Prediction[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async alone(job: Job): Promise<void> {
    try {
      job.resolve((await this.predictor.predictRows(job.rows)).predictions);
    } catch (err) {
      job.reject(err);
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let rows = 0;
      let n = 0;
      while (n < this.queue.length && (n === 0 || rows + this.queue[n].rows.length <= this.maxRows))
        rows += this.queue[n++].rows.length;
      const batch = this.queue.splice(0, n);
      if (batch.length === 1) {
        await this.alone(batch[0]);
        continue;
      }
      let predictions: Prediction[];
      try {
        predictions = (await this.predictor.predictRows(batch.flatMap((j) => j.rows))).predictions;
      } catch {
        // Some request in the batch is bad: answer each alone so its error names its own rows.
        for (const job of batch) await this.alone(job);
        continue;
      }
      let at = 0;
      for (const job of batch) {
        job.resolve(predictions.slice(at, at + job.rows.length));
        at += job.rows.length;
      }
    }
    this.running = false;
  }
}

/**
 * Ignored columns and never-seen categories per request (the batch's report mixes requests). The
 * known names and categories are gathered once per server, not per request.
 */
function requestWarnings(
  predictor: Predictor,
): (rows: readonly Record<string, unknown>[]) => string[] {
  const known = new Set(predictor.manifest.input.columns.map((c) => c.name));
  const categorical = predictor.inputSignature.filter((c) => c.role === 'feature' && c.categories);
  const seen = new Map(categorical.map((c) => [c.name, new Set(c.categories)]));
  return (rows) => {
    const extra = new Set<string>();
    const unknown = new Map<string, Set<string>>();
    for (const row of rows) {
      for (const key of Object.keys(row)) if (!known.has(key)) extra.add(key);
      for (const [name, values] of seen) {
        const v = row[name];
        if (v === null || v === undefined) continue;
        const text = String(v);
        if (!values.has(text)) {
          if (!unknown.has(name)) unknown.set(name, new Set());
          unknown.get(name)!.add(text);
        }
      }
    }
    const out: string[] = [];
    if (extra.size > 0)
      out.push(`ignored columns the model does not use: ${quotedList([...extra])}`);
    for (const [name, values] of unknown) {
      out.push(`column '${name}' has values never seen in training: ${quotedList([...values])}`);
    }
    return out;
  };
}

/** The body as text, refusing (413) past `limit` bytes without buffering the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit, declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge(limit, null));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tooLarge(limit: number, declared: number | null): HttpError {
  return new HttpError(
    413,
    `The request body${declared !== null ? ` (${sizeText(declared)})` : ''} is larger than this server's limit of ${sizeText(limit)}. Send fewer rows per request (split the batch), or start the server with a larger --max-body.`,
  );
}

/** How long a refused body may keep arriving (discarded, never stored) before the socket is cut. */
const LINGER_MS = 5000;

/**
 * After a 413: the rest of the body is discarded as it arrives (nothing is stored), as nginx's
 * lingering close does. Closing at once with unread bytes makes the kernel send a reset that can
 * destroy the 413 before the client reads it (measured here with a chunked 50 MB body). A body
 * still arriving after LINGER_MS has its connection cut.
 */
function discardRest(req: IncomingMessage): void {
  if (req.complete) return;
  const guard = setTimeout(() => req.socket.destroy(), LINGER_MS);
  guard.unref();
  req.on('end', () => clearTimeout(guard));
  req.on('close', () => clearTimeout(guard));
  req.resume();
}

/** {"rows": [...]} from the body text, or a 400 saying what is wrong and what to send. */
function parseRequest(text: string, example: string): Record<string, unknown>[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new HttpError(
      400,
      `The request body is not valid JSON (${why}). Send {"rows": [${example}]}.`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('rows' in body)) {
    throw new HttpError(
      400,
      `The request needs "rows": a list of objects of column: value, such as {"rows": [${example}]}.`,
    );
  }
  const rows = (body as { rows: unknown }).rows;
  if (!Array.isArray(rows)) {
    throw new HttpError(
      400,
      `"rows" must be a list of objects of column: value, such as {"rows": [${example}]}.`,
    );
  }
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new HttpError(
        400,
        `Row ${i + 1} is not an object of column: value pairs (found ${JSON.stringify(row)?.slice(0, 40)}).`,
      );
    }
  });
  return rows as Record<string, unknown>[];
}

/** One example row for messages: each feature's first category or smallest training value. */
function exampleRow(predictor: Predictor): string {
  const text = JSON.stringify(exampleRowOf(predictor.inputSignature));
  return text.length > 300 ? '{"column": value, ...}' : text;
}

/** Starts the server on an already loaded predictor; resolves once it listens. */
export async function startServer(
  tf: Tf,
  bundle: Bundle,
  options: ServeOptions,
): Promise<RunningServer> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const log = options.log ?? (() => {});
  const predictor = await loadPredictor(tf, bundle);
  const batcher = options.batch === false ? null : new Batcher(predictor);
  const predictRows = (rows: Record<string, unknown>[]) =>
    batcher ? batcher.predict(rows) : predictor.predictRows(rows).then((r) => r.predictions);
  const example = exampleRow(predictor);
  const warningsFor = requestWarnings(predictor);
  const m = bundle.manifest;
  const stats = { requests: 0, errors: 0 };
  let inFlight = 0;
  let closing = false;
  let idle: (() => void) | null = null;

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...(closing ? { connection: 'close' } : {}),
      ...headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, `/health answers GET, not ${req.method}.`);
      }
      send(res, 200, {
        status: closing ? 'stopping' : 'ok',
        model: { name: m.model.name, version: m.model.version },
        task: m.model.task,
        labels: predictor.labels,
        inputs: predictor.inputSignature
          .filter((c) => c.role === 'feature')
          .map((c) => ({ name: c.name, kind: c.kind })),
        uptimeSeconds: Math.round((now() - started) / 10) / 100,
        requests: { total: stats.requests, errors: stats.errors },
        backend: tf.getBackend(),
      });
      return '';
    }
    if (path === '/predict') {
      if (req.method !== 'POST') {
        throw new HttpError(
          405,
          `/predict answers POST with {"rows": [...]}, not ${req.method ?? 'this method'}.`,
        );
      }
      const rows = parseRequest(await readBody(req, options.maxBody), example);
      let predictions: Prediction[];
      try {
        predictions = await predictRows(rows);
      } catch (err) {
        const e = toBenchtopError(err, 'Could not predict these rows');
        if (e.code === 'internal') throw e;
        throw new HttpError(400, e.message);
      }
      const warnings = warningsFor(rows);
      send(res, 200, warnings.length > 0 ? { predictions, warnings } : { predictions });
      return `${rows.length} row${rows.length === 1 ? '' : 's'}`;
    }
    throw new HttpError(
      404,
      `Nothing at ${path}. This server answers GET /health and POST /predict.`,
    );
  }

  const server = createServer((req, res) => {
    const t0 = now();
    inFlight++;
    stats.requests++;
    const finish = (status: number, detail: string) => {
      log(
        `${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} ${req.method} ${req.url} ${status} ${(now() - t0).toFixed(1)}ms${detail ? ` ${detail}` : ''}`,
      );
      inFlight--;
      if (closing && inFlight === 0) idle?.();
    };
    handle(req, res).then(
      (detail) => finish(res.statusCode, detail),
      (err: unknown) => {
        stats.errors++;
        if (err instanceof HttpError) {
          const headers: Record<string, string> = {};
          if (err.status === 405) {
            headers.allow = (req.url ?? '').startsWith('/health') ? 'GET, HEAD' : 'POST';
          }
          if (err.status === 413) discardRest(req);
          if (!res.headersSent) send(res, err.status, { error: err.message }, headers);
          finish(err.status, err.message.slice(0, 120));
          return;
        }
        const e = toBenchtopError(err, 'The server could not answer this request');
        if (!res.headersSent) send(res, 500, { error: e.message });
        finish(500, `${e.message}${e.details.cause ? ` (${String(e.details.cause)})` : ''}`);
      },
    );
  });
  // Expect: 100-continue (curl does it for big bodies): refuse an oversized one before it is sent.
  server.on('checkContinue', (req, res) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBody) {
      stats.requests++;
      stats.errors++;
      const err = tooLarge(options.maxBody, declared);
      send(res, 413, { error: err.message }, { connection: 'close' });
      log(
        `${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} ${req.method} ${req.url} 413 0.0ms ${err.message.slice(0, 120)}`,
      );
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy(err);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      predictor.dispose();
      reject(
        new BenchtopError(
          'invalid-argument',
          err.code === 'EADDRINUSE'
            ? `Port ${options.port} on ${options.host} is already in use. Stop the other server or choose another --port.`
            : err.code === 'EACCES'
              ? `Not allowed to listen on port ${options.port} (ports below 1024 need privileges). Choose another --port.`
              : `Cannot listen on ${options.host}:${options.port}: ${err.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | null = null;
  return {
    server,
    url: `http://${host}:${address.port}`,
    port: address.port,
    predictor,
    stats,
    close(graceMs = 10_000) {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await Promise.race([
            new Promise<void>((resolve) => (idle = resolve)),
            new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
          ]);
        }
        server.closeAllConnections();
        await stopped;
        predictor.dispose();
      })();
      return closed;
    },
  };
}

/** `benchtop serve ...` from argv: runs until SIGTERM / SIGINT (or `stop` resolves). */
export async function serveCommand(
  argv: string[],
  io: { stdout(text: string): void; stderr(text: string): void },
  stop?: Promise<void>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'max-body': { type: 'string' },
      batch: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    (message) => new PrepareUsageError(message),
  );
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new PrepareUsageError(
      positionals.length === 0
        ? 'serve needs a bundle: benchtop serve <bundle.zip> [--port 8080]'
        : `serve takes one bundle, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const port = wholeNumberFlag(
    '--port',
    values.port ?? '8080',
    0,
    65535,
    (message) => new PrepareUsageError(message),
  );
  const maxBody =
    values['max-body'] !== undefined ? parseSize(values['max-body']) : DEFAULT_MAX_BODY;
  const batchText = values.batch ?? 'on';
  if (batchText !== 'on' && batchText !== 'off') {
    throw new PrepareUsageError(`--batch must be on or off (got '${batchText}').`);
  }
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new PrepareUsageError(`--backend must be wasm or cpu (got '${backend}').`);
  }
  const bundle = await loadBundleFile(positionals[0]);
  const { tf } = await startTf(backend);
  const running = await startServer(tf, bundle, {
    port,
    host: values.host ?? '127.0.0.1',
    maxBody,
    batch: batchText === 'on',
    log: (line) => io.stdout(`${line}\n`),
  });
  const m = bundle.manifest;
  io.stdout(
    `serving ${m.model.name} ${m.model.version} (${m.model.task}${m.target.labels ? `, ${m.target.labels.length} classes` : ''}) on ${running.url} on tfjs ${tf.getBackend()}: POST /predict, GET /health; body limit ${sizeText(maxBody)}. Ctrl-C or SIGTERM stops it.\n`,
  );
  let onSignal: (() => void) | null = null;
  const signalled = new Promise<string>((resolve) => {
    onSignal = () => resolve('signal');
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await Promise.race([signalled, ...(stop ? [stop] : [])]);
  if (onSignal) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  io.stdout('stopping: no new connections; answering the requests in flight...\n');
  await running.close();
  io.stdout(
    `stopped after ${running.stats.requests} requests (${running.stats.errors} answered with an error).\n`,
  );
  return 0;
}
