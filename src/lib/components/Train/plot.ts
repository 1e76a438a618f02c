// Observable Plot, loaded on first use: it lands in its own chunk beside the Train tab's, never in
// the main bundle (the main-thread budget is 150 KB gzip). Every chart awaits this.
let loading: Promise<typeof import('@observablehq/plot')> | null = null;

export function loadPlot(): Promise<typeof import('@observablehq/plot')> {
  loading ??= import('@observablehq/plot');
  return loading;
}

/** Chart width: the container's, within bounds (Plot needs a number). */
export function widthOf(el: HTMLElement | undefined, fallback = 460): number {
  const w = el?.clientWidth ?? 0;
  return Math.max(260, Math.min(720, w > 0 ? w : fallback));
}
