// The one error type users see. Core code throws BenchtopError with a stable code and a message a
// person can act on; `toBenchtopError` wraps anything else so no bare library exception escapes.

export type ErrorCode =
  | 'empty-file'
  | 'header-only'
  | 'binary-file'
  | 'ragged-rows'
  | 'bad-csv'
  | 'bad-arrow'
  | 'bad-parquet'
  | 'unsupported-format'
  | 'no-rows'
  | 'no-columns'
  | 'too-large'
  | 'quota-exceeded'
  | 'not-found'
  | 'cancelled'
  | 'invalid-argument'
  | 'internal';

export interface ErrorDetails {
  [key: string]: string | number | boolean | null | undefined | (string | number)[];
}

export class BenchtopError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'BenchtopError';
    this.code = code;
    this.details = details;
  }

  /** Plain-object form: survives postMessage / structuredClone, which drops class identity. */
  toJSON(): SerializedError {
    return { name: 'BenchtopError', code: this.code, message: this.message, details: this.details };
  }
}

export interface SerializedError {
  name: 'BenchtopError';
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

export function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'BenchtopError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** The error a cancelled job ends with: "The cross-validation was cancelled. Nothing was stored." */
export function cancelled(what = 'The import'): BenchtopError {
  return new BenchtopError('cancelled', `${what} was cancelled. Nothing was stored.`);
}

/**
 * Turns any thrown value into a BenchtopError. `context` says what we were doing, so the message
 * still helps when the cause is a library bug ("Could not read the Arrow file: ...").
 */
export function toBenchtopError(
  err: unknown,
  context: string,
  code: ErrorCode = 'internal',
): BenchtopError {
  if (err instanceof BenchtopError) return err;
  if (isSerializedError(err)) return new BenchtopError(err.code, err.message, err.details);
  const name =
    typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (name === 'QuotaExceededError') {
    return new BenchtopError(
      'quota-exceeded',
      `${context}: the browser's storage quota is full. Delete a dataset you no longer need, or free disk space, and try again. Nothing was stored.`,
    );
  }
  // An exception we did not anticipate is our bug, not the user's: say so, keep the raw text in
  // details (shown under "details" in the UI, printed by the CLI) rather than as the message.
  const raw = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new BenchtopError(
    code,
    `${context}: something unexpected went wrong inside Benchtop. Nothing was changed. If it happens again, please report it with the details below.`,
    { cause: raw },
  );
}
