// Lets other tasks run during a fit. tfjs reads on wasm / cpu resolve as microtasks, so an
// `await` per epoch never gives a worker's message queue a turn: a cancel request (or a
// test's timer) would only be seen after the whole fit. Every `intervalMs` the fit waits for one
// macrotask (setTimeout exists in workers, pages and Node), which bounds both the cost (a few ms
// per interval) and how long a cancel waits.
export function macrotaskYielder(intervalMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
