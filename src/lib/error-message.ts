// What the UI says when something fails. The worker sends BenchtopError as plain objects (comlink
// rethrows them as they are); anything else is a bug somewhere, but the person still gets a
// sentence that says what was being done instead of "TypeError: ...".
import { isSerializedError, type ErrorCode } from '../core/errors';

export interface UiError {
  code: ErrorCode;
  message: string;
  /** The raw cause of an unexpected (internal) error, shown small for a bug report. */
  details?: string;
}

export function toUiError(err: unknown, doing: string): UiError {
  if (isSerializedError(err)) {
    const cause = err.details?.cause;
    return typeof cause === 'string' && err.code === 'internal'
      ? { code: err.code, message: err.message, details: cause }
      : { code: err.code, message: err.message };
  }
  if (typeof err === 'object' && err !== null) {
    const { name, message, code } = err as { name?: unknown; message?: unknown; code?: unknown };
    // A BenchtopError instance thrown across comlink arrives as an Error named BenchtopError.
    if (name === 'BenchtopError' && typeof message === 'string') {
      return { code: typeof code === 'string' ? (code as ErrorCode) : 'internal', message };
    }
    if (name === 'QuotaExceededError') {
      return {
        code: 'quota-exceeded',
        message: `${doing}: the browser's storage quota is full. Delete a dataset you no longer need, or free disk space, and try again.`,
      };
    }
    if (typeof message === 'string' && message) {
      return { code: 'internal', message: `${doing}: ${message}` };
    }
  }
  return { code: 'internal', message: `${doing}: ${String(err)}` };
}
