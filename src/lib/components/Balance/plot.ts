// Observable Plot, loaded the first time a Class-balance chart is drawn: a separate chunk, so it
// never weighs on the first paint (the main bundle's 150 KB budget, scripts/check-bundle.mjs).
export type PlotModule = typeof import('@observablehq/plot');

let plot: Promise<PlotModule> | null = null;

export function loadPlot(): Promise<PlotModule> {
  plot ??= import('@observablehq/plot').catch((err: unknown) => {
    plot = null; // offline before the chunk was cached: try again next time
    throw err;
  });
  return plot;
}

/** Class colours shared by the bars and the scatter, so a class has one colour everywhere. */
export const CLASS_SCHEME = 'tableau10';
/** Before / after bars: muted before, the accent after. */
export const BEFORE_AFTER_COLOURS = ['#a9b4c2', '#2f6db3'];
