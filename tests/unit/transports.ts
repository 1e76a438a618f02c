// One test body, two transports (as DuckDB-WASM tests its bindings): a worker API called
// in-process, and the same API through comlink over a MessageChannel, which catches anything that
// is not cloneable (results, errors, progress callbacks). Shared by the data and recipe API tests.
import { expect } from 'vitest';
import * as Comlink from 'comlink';

/** Every method of `T` as the UI sees it through comlink: async. */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export interface Transport<T> {
  name: string;
  api: Remote<T>;
  /** Wraps a callback the way the app does for this transport (Comlink.proxy over comlink). */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  close(): void;
}

export function inProcess<T extends object>(api: T): Transport<T> {
  const wrapped = Object.fromEntries(
    Object.entries(api).map(([k, fn]) => [
      k,
      async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args),
    ]),
  ) as Remote<T>;
  return { name: 'in-process', api: wrapped, callback: (fn) => fn, close: () => undefined };
}

export function overComlink<T extends object>(api: T): Transport<T> {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port1);
  const remote = Comlink.wrap<T>(port2);
  return {
    name: 'comlink',
    api: remote as unknown as Remote<T>,
    callback: (fn) => Comlink.proxy(fn),
    close: () => {
      remote[Comlink.releaseProxy]();
      port1.close();
      port2.close();
    },
  };
}

/** Runs `p` and returns what it rejected with (failing the test if it resolved). */
export async function rejection(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

/**
 * A rejection must be a plain BenchtopError-shaped object with a message a person can use, and
 * stay intact when cloned (it crosses postMessage between the worker and the page).
 */
export function expectUserError(err: Record<string, unknown>, code: string, message: RegExp): void {
  expect(err).toMatchObject({ name: 'BenchtopError', code });
  expect(err.message).toMatch(message);
  expect(structuredClone(err)).toMatchObject({ name: 'BenchtopError', code, message: err.message });
}
