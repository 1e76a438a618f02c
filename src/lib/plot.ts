// Observable Plot for every chart of the app (Train tab, Class balance), loaded on first use: it
// lands in its own chunk, never in the main bundle (the main-thread budget is 150 KB gzip). Charts
// draw through `drawSoon`, one per task, so a panel of several charts is several short tasks
// rather than one long one (a long task over 50 ms on the main thread is a bug, DESIGN.md §3).
export type PlotModule = typeof import('@observablehq/plot');

let loading: Promise<PlotModule> | null = null;

export function loadPlot(): Promise<PlotModule> {
  loading ??= import('@observablehq/plot').catch((err: unknown) => {
    loading = null; // offline before the chunk was cached: try again next time
    throw err;
  });
  return loading;
}

const queue: (() => void)[] = [];
let scheduled = false;

function runNext(): void {
  const job = queue.shift();
  job?.();
  if (queue.length > 0) setTimeout(runNext, 0);
  else scheduled = false;
}

/**
 * Runs `draw` with Plot in a task of its own, after the charts queued before it. Nothing runs when
 * Plot cannot load: callers that show a failure watch loadPlot() themselves.
 */
export function drawSoon(draw: (plot: PlotModule) => void): void {
  loadPlot().then(
    (plot) => {
      queue.push(() => draw(plot));
      if (!scheduled) {
        scheduled = true;
        setTimeout(runNext, 0);
      }
    },
    () => undefined,
  );
}

/**
 * What a chart component's effect runs: draws `paint`'s chart into `el` in a task of its own
 * (drawSoon). `onFail` hears why nothing could be drawn (Plot did not load, or the draw threw), and
 * null after a chart is drawn. Returns the effect's cleanup: once it ran (new data, or the chart
 * went away) the queued draw and a late failure are dropped.
 */
export function drawInto(
  el: HTMLElement,
  paint: (plot: PlotModule) => Element,
  onFail: (message: string | null) => void,
): () => void {
  let stale = false;
  const fail = (err: unknown) => {
    if (!stale) onFail(err instanceof Error ? err.message : String(err));
  };
  loadPlot().catch(fail);
  drawSoon((plot) => {
    if (stale) return;
    try {
      el.replaceChildren(paint(plot));
      onFail(null);
    } catch (err) {
      fail(err);
    }
  });
  return () => {
    stale = true;
  };
}
