// Shared by the serve / predict / deploy tests: real bundles written in-process (train on a real
// dataset with trainFinal, then writeBundle, exactly what `benchtop train` does), and small HTTP
// clients for the server tests (fetch for ordinary requests; node:http for a body streamed in
// pieces or 50 MB long, which fetch cannot do without buffering it).
import { request } from 'node:http';
import { bundleInputFromFinal, writeBundle } from '../../src/core/bundle';
import type { Tf } from '../../src/core/models';
import type { Recipe } from '../../src/core/recipe';
import { trainFinal } from '../../src/core/evaluate';
import type { Frame } from '../../src/core/data/frame';
import { autoFor, loadCsv } from './bundle-helpers';

export const CREATED = '2025-03-01T12:00:00.000Z';

/** A bundle from the auto-prepare recipe of `path` for `target` (as `benchtop train`). */
export async function autoBundle(
  tf: Tf,
  path: string,
  target: string,
  name: string,
): Promise<{ zip: Uint8Array; frame: Frame }> {
  const d = await autoFor(path, target);
  return { zip: await bundleOf(tf, d.frame, d.recipe, name), frame: d.frame };
}

/** A bundle from an explicit recipe on a CSV file. */
export async function recipeBundle(
  tf: Tf,
  path: string,
  recipe: Recipe,
  name: string,
): Promise<{ zip: Uint8Array; frame: Frame }> {
  const { frame } = await loadCsv(path);
  return { zip: await bundleOf(tf, frame, recipe, name), frame };
}

async function bundleOf(tf: Tf, frame: Frame, recipe: Recipe, name: string): Promise<Uint8Array> {
  const final = await trainFinal(tf, frame, recipe);
  try {
    return await writeBundle(
      await bundleInputFromFinal(tf, final, frame, { name, version: '1.2.3', created: CREATED }),
    );
  } finally {
    final.model.dispose();
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * POSTs `total` bytes of spaces in 1 MiB pieces (with a Content-Length unless `chunked`) and
 * resolves with the response, ignoring the write errors that follow when the server closes the
 * connection after answering early (413).
 */
export function postHuge(
  url: string,
  total: number,
  options: { chunked?: boolean; expectContinue?: boolean } = {},
): Promise<RawResponse & { bytesSent: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!options.chunked) headers['content-length'] = total;
    if (options.expectContinue) headers.expect = '100-continue';
    let sent = 0;
    let answered = false;
    const req = request(`${url}/predict`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, bytesSent: sent });
      });
    });
    req.on('error', (err) => {
      if (!answered) setTimeout(() => !answered && reject(err), 2000);
    });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const write = () => {
      while (sent < total && !answered) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    if (options.expectContinue) req.on('continue', write);
    else write();
    if (options.expectContinue) req.flushHeaders();
  });
}

/** POST /predict with a JSON value (or raw text). */
export async function post(
  url: string,
  body: unknown,
  raw = false,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** The first `n` rows of a frame as JSON request rows, without the target. */
export function requestRows(
  rows: Record<string, unknown>[],
  target: string,
  n = rows.length,
): Record<string, unknown>[] {
  return rows.slice(0, n).map((r) => {
    const { [target]: _t, ...rest } = r;
    return rest;
  });
}
