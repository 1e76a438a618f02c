// A ByteSource over a Blob or File: how the data worker reads a user's file as a stream, chunk by
// chunk, without ever holding it as one string. Blob is a web standard that Node 20 and workers
// also have, so this stays in pure core.
import type { ByteSource } from './types';

/**
 * Wraps a Blob. Restartable, as ByteSource requires: each `chunks()` call opens a fresh
 * `blob.stream()`, so a reader that starts over (encoding fallback) reads the file again.
 */
export function blobSource(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    async *chunks() {
      const reader = blob.stream().getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          // Some streams yield empty chunks; readers should never see them.
          if (value && value.byteLength > 0) yield value;
        }
      } finally {
        // A reader that stops early (format sniffing reads one chunk, cancellation) must release
        // the stream, or the file stays locked and its buffers alive.
        await reader.cancel().catch(() => undefined);
        reader.releaseLock();
      }
    },
  };
}
