// deploy/server.mjs: the standalone Node inference server written into every bundle. It runs from
// the unzipped bundle with only tfjs installed (deploy/package.json: tfjs-core, tfjs-layers,
// tfjs-backend-wasm), predicts through deploy/predict.mjs, and answers like `benchtop serve`
// (src/cli/serve.ts): GET /health, POST /predict {"rows": [...]}, 400 / 404 / 405 / 413 with
// {"error": message}, one log line per request, concurrent requests batched, graceful SIGTERM.
// At start it checks the model files against the manifest's sha256 and refuses a changed bundle.
// Plain JavaScript in a String.raw template: no backtick and no dollar-brace sequence inside.

export const SERVER_MJS = String.raw`#!/usr/bin/env node
// Benchtop inference server for one model bundle: run it from the unzipped bundle.
//
//   cd deploy && npm install && node server.mjs [--port 8080] [--host 0.0.0.0] [--max-body 10mb]
//
// Environment variables PORT, HOST and MAX_BODY do the same (the Dockerfile and k8s.yaml use
// them); BUNDLE_DIR points at the unzipped bundle (default: the folder above this file).
//   GET  /health   {status, model: {name, version}, task, uptimeSeconds, requests}
//   POST /predict  {"rows": [{column: value}]} -> {"predictions": [{label, probabilities}]}
//                  (regression: [{value}]); 400 / 413 / 404 / 405 answer {"error": message}.
// SIGTERM / SIGINT: stop accepting, answer the requests in flight, exit 0.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BundleError, PredictError, loadPredictor } from './predict.mjs';

function fail(message) {
  process.stderr.write('error: ' + message + '\n');
  process.exit(1);
}

function parseSize(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(text);
  if (!m) fail("--max-body must be a size such as 512kb, 10mb or 1gb (got '" + text + "').");
  const unit = (m[2] || 'b').toLowerCase()[0];
  return Math.floor(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1048576 : unit === 'g' ? 1073741824 : 1));
}

function sizeText(bytes) {
  if (bytes >= 1048576) return +(bytes / 1048576).toFixed(2) + ' MB';
  if (bytes >= 1024) return +(bytes / 1024).toFixed(2) + ' KB';
  return bytes + ' bytes';
}

let args;
try {
  args = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, 'max-body': { type: 'string' } },
  }).values;
} catch (err) {
  fail(err.message);
}
const PORT = Number(args.port ?? process.env.PORT ?? 8080);
const HOST = args.host ?? process.env.HOST ?? '0.0.0.0';
const MAX_BODY = parseSize(args['max-body'] ?? process.env.MAX_BODY ?? '10mb');
const ROOT = resolve(process.env.BUNDLE_DIR || join(dirname(fileURLToPath(import.meta.url)), '..'));
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) fail('--port must be a whole number from 0 to 65535.');

// ---- the bundle: manifest + model files, checked against the manifest's hashes ----
function read(path) {
  try {
    return readFileSync(join(ROOT, path));
  } catch {
    fail('cannot read ' + join(ROOT, path) + ': run this server from an unzipped Benchtop bundle (or set BUNDLE_DIR).');
  }
}
let manifest;
try {
  manifest = JSON.parse(read('manifest.json').toString('utf8'));
} catch {
  fail('manifest.json is not valid JSON: the bundle is damaged. Unzip a fresh copy.');
}
for (const path of ['model/model.json', 'model/weights.bin']) {
  const entry = manifest.files && manifest.files[path];
  const bytes = read(path);
  if (!entry || createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
    fail(path + ' does not match its hash in manifest.json: the bundle was changed after it was written. Unzip a fresh copy.');
  }
}
const weights = read('model/weights.bin');

// ---- tfjs: core + layers on the wasm backend ----
let tf;
try {
  const core = await import('@tensorflow/tfjs-core');
  const layers = await import('@tensorflow/tfjs-layers');
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await core.setBackend('wasm'))) fail('the tfjs wasm backend did not start.');
  await core.ready();
  tf = Object.assign({}, core, { loadLayersModel: layers.loadLayersModel });
} catch (err) {
  fail('tfjs is not installed next to this server (' + err.message + '). Run npm install in ' + dirname(fileURLToPath(import.meta.url)) + ' first.');
}

let predictor;
try {
  predictor = await loadPredictor(tf, {
    manifest,
    modelJson: JSON.parse(read('model/model.json').toString('utf8')),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  });
} catch (err) {
  fail(err instanceof BundleError ? err.message : 'could not load the model: ' + err.message);
}

const example = JSON.stringify(
  Object.fromEntries(
    manifest.input.columns
      .filter((c) => c.role === 'feature')
      .map((c) => [c.name, c.categories && c.categories.length > 0 ? c.categories[0] : c.range ? c.range.min : c.kind === 'boolean' ? false : null]),
  ),
);
const EXAMPLE = example.length > 300 ? '{"column": value, ...}' : example;

// ---- batching: every request that arrives while the model is busy joins the next call ----
const queue = [];
let running = false;
function predictBatched(rows) {
  return new Promise((resolve, reject) => {
    queue.push({ rows, resolve, reject });
    if (!running) {
      running = true;
      setImmediate(drain);
    }
  });
}
async function alone(job) {
  try {
    const r = await predictor.predictRows(job.rows);
    job.resolve(r);
  } catch (err) {
    job.reject(err);
  }
}
async function drain() {
  while (queue.length > 0) {
    let rows = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || rows + queue[n].rows.length <= 4096)) rows += queue[n++].rows.length;
    const batch = queue.splice(0, n);
    if (batch.length === 1) {
      await alone(batch[0]);
      continue;
    }
    let result;
    try {
      result = await predictor.predictRows(batch.flatMap((j) => j.rows));
    } catch {
      for (const job of batch) await alone(job);
      continue;
    }
    let at = 0;
    for (const job of batch) {
      // Warnings are per request: recomputed cheaply for this request's rows alone.
      job.resolve({ predictions: result.predictions.slice(at, at + job.rows.length), warnings: null });
      at += job.rows.length;
    }
  }
  running = false;
}

// ---- HTTP ----
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const known = new Set(manifest.input.columns.map((c) => c.name));
const seenCategories = manifest.input.columns
  .filter((c) => c.role === 'feature' && c.categories)
  .map((c) => [c.name, new Set(c.categories)]);
function warningsFor(rows) {
  const extra = new Set();
  const unknown = new Map();
  for (const row of rows) {
    for (const key of Object.keys(row)) if (!known.has(key)) extra.add(key);
    for (const [name, values] of seenCategories) {
      const v = row[name];
      if (v === null || v === undefined || values.has(String(v))) continue;
      if (!unknown.has(name)) unknown.set(name, new Set());
      unknown.get(name).add(String(v));
    }
  }
  const quoted = (list) => list.slice(0, 8).map((n) => "'" + n + "'").join(', ') + (list.length > 8 ? ' and ' + (list.length - 8) + ' more' : '');
  const out = [];
  if (extra.size > 0) out.push('ignored columns the model does not use: ' + quoted([...extra]));
  for (const [name, values] of unknown) out.push("column '" + name + "' has values never seen in training: " + quoted([...values]));
  return out;
}

function tooLarge(declared) {
  return new HttpError(
    413,
    'The request body' + (declared !== null ? ' (' + sizeText(declared) + ')' : '') + " is larger than this server's limit of " + sizeText(MAX_BODY) +
      '. Send fewer rows per request (split the batch), or start the server with a larger --max-body.',
  );
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY) return reject(tooLarge(declared));
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge(null));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// After a 413 the rest of the body is discarded as it arrives (never stored): closing with unread
// bytes would make the kernel reset the connection, which can destroy the 413 before the client
// reads it. A body still arriving after 5 s has its connection cut.
function discardRest(req) {
  if (req.complete) return;
  const guard = setTimeout(() => req.socket.destroy(), 5000);
  guard.unref();
  req.on('end', () => clearTimeout(guard));
  req.on('close', () => clearTimeout(guard));
  req.resume();
}

function parseRequest(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'The request body is not valid JSON (' + err.message + '). Send {"rows": [' + EXAMPLE + ']}.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('rows' in body)) {
    throw new HttpError(400, 'The request needs "rows": a list of objects of column: value, such as {"rows": [' + EXAMPLE + ']}.');
  }
  if (!Array.isArray(body.rows)) {
    throw new HttpError(400, '"rows" must be a list of objects of column: value, such as {"rows": [' + EXAMPLE + ']}.');
  }
  body.rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new HttpError(400, 'Row ' + (i + 1) + ' is not an object of column: value pairs.');
    }
  });
  return body.rows;
}

const started = performance.now();
const stats = { total: 0, errors: 0 };
let inFlight = 0;
let closing = false;
let onIdle = null;

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, Object.assign({
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  }, closing ? { connection: 'close' } : {}, headers));
  res.end(text);
}

async function handle(req, res) {
  const path = (req.url || '/').split('?')[0];
  if (path === '/health') {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, '/health answers GET, not ' + req.method + '.');
    send(res, 200, {
      status: closing ? 'stopping' : 'ok',
      model: { name: manifest.model.name, version: manifest.model.version },
      task: manifest.model.task,
      labels: manifest.target.labels,
      inputs: manifest.input.columns.filter((c) => c.role === 'feature').map((c) => ({ name: c.name, kind: c.kind })),
      uptimeSeconds: Math.round((performance.now() - started) / 10) / 100,
      requests: Object.assign({}, stats),
      backend: tf.getBackend(),
    });
    return '';
  }
  if (path === '/predict') {
    if (req.method !== 'POST') throw new HttpError(405, '/predict answers POST with {"rows": [...]}, not ' + req.method + '.');
    const rows = parseRequest(await readBody(req));
    let result;
    try {
      result = await predictBatched(rows);
    } catch (err) {
      if (err instanceof PredictError) throw new HttpError(400, err.message);
      throw err;
    }
    const warnings = warningsFor(rows);
    send(res, 200, warnings.length > 0 ? { predictions: result.predictions, warnings } : { predictions: result.predictions });
    return rows.length + (rows.length === 1 ? ' row' : ' rows');
  }
  throw new HttpError(404, 'Nothing at ' + path + '. This server answers GET /health and POST /predict.');
}

function logLine(req, status, ms, detail) {
  process.stdout.write(
    new Date().toISOString() + ' ' + (req.socket.remoteAddress || '-') + ' ' + req.method + ' ' + req.url + ' ' + status + ' ' + ms.toFixed(1) + 'ms' + (detail ? ' ' + detail : '') + '\n',
  );
}

const server = createServer((req, res) => {
  const t0 = performance.now();
  inFlight++;
  stats.total++;
  const finish = (status, detail) => {
    logLine(req, status, performance.now() - t0, detail);
    inFlight--;
    if (closing && inFlight === 0 && onIdle) onIdle();
  };
  handle(req, res).then(
    (detail) => finish(res.statusCode, detail),
    (err) => {
      stats.errors++;
      if (err instanceof HttpError) {
        const headers = {};
        if (err.status === 405) headers.allow = (req.url || '').startsWith('/health') ? 'GET, HEAD' : 'POST';
        if (err.status === 413) discardRest(req);
        if (!res.headersSent) send(res, err.status, { error: err.message }, headers);
        finish(err.status, err.message.slice(0, 120));
        return;
      }
      if (!res.headersSent) send(res, 500, { error: 'The server could not answer this request: ' + err.message });
      finish(500, String(err && err.stack ? err.stack : err).split('\n')[0]);
    },
  );
});
server.on('checkContinue', (req, res) => {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY) {
    stats.total++;
    stats.errors++;
    const err = tooLarge(declared);
    send(res, 413, { error: err.message }, { connection: 'close' });
    logLine(req, 413, 0, err.message.slice(0, 120));
    return;
  }
  res.writeContinue();
  server.emit('request', req, res);
});
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy(err);
});
server.on('error', (err) => fail(err.code === 'EADDRINUSE' ? 'port ' + PORT + ' is already in use.' : err.message));

server.listen(PORT, HOST, () => {
  const a = server.address();
  process.stdout.write(
    'serving ' + manifest.model.name + ' ' + manifest.model.version + ' (' + manifest.model.task + ') on http://' +
      (a.family === 'IPv6' ? '[' + a.address + ']' : a.address) + ':' + a.port + ' on tfjs ' + tf.getBackend() + ': POST /predict, GET /health\n',
  );
});

function shutdown(signal) {
  if (closing) return;
  closing = true;
  process.stdout.write(signal + ': no new connections; answering the requests in flight...\n');
  server.close(() => {
    predictor.dispose();
    process.stdout.write('stopped after ' + stats.total + ' requests.\n');
    process.exit(0);
  });
  server.closeIdleConnections();
  const all = () => server.closeAllConnections();
  if (inFlight === 0) all();
  else {
    onIdle = all;
    setTimeout(all, 10000).unref();
  }
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
`;
