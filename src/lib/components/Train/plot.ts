// The Train tab's chart helpers over the app's one Plot loader and draw queue (src/lib/plot.ts):
// chart width, and a warm-up that compiles Plot's code paths before a run's results arrive.
import { drawSoon } from '../../plot';

export { drawInto } from '../../plot';

/** Chart width: the container's, within bounds (Plot needs a number). */
export function widthOf(el: HTMLElement | undefined, fallback = 460): number {
  const w = el?.clientWidth ?? 0;
  return Math.max(260, Math.min(720, w > 0 ? w : fallback));
}

/**
 * Draws one tiny chart of each kind the Train tab uses, each in its own idle task, so V8 compiles
 * Plot's code paths before a run (the first real chart would otherwise pay ~100 ms for it while
 * the run's results arrive). Nothing is shown: the charts are thrown away.
 */
export function warmUpPlot(): void {
  const rows = [
    { x: 0, y: 0.1, k: 'a' },
    { x: 1, y: 0.5, k: 'b' },
  ];
  drawSoon((Plot) => {
    Plot.plot({
      y: { type: 'log' },
      color: { legend: true },
      marks: [Plot.line(rows, { x: 'x', y: 'y', stroke: 'k' })],
    });
  });
  drawSoon((Plot) => {
    Plot.plot({
      marks: [
        Plot.areaY(rows, { x: 'x', y1: 0, y2: 'y' }),
        Plot.line(rows, { x: 'x', y: 'y', z: 'k', curve: 'step-before' }),
      ],
    });
  });
  drawSoon((Plot) => {
    Plot.plot({
      color: { scheme: 'blues' },
      marks: [
        Plot.cell(rows, { x: 'k', y: 'k', fill: 'y' }),
        Plot.text(rows, { x: 'k', y: 'k', text: 'k' }),
      ],
    });
  });
  drawSoon((Plot) => {
    Plot.plot({
      marks: [
        Plot.dot(rows, { x: 'x', y: 'y' }),
        Plot.barX(rows, { x: 'y', y: 'k' }),
        Plot.ruleY(rows, { x1: 0, x2: 'y', y: 'k' }),
      ],
    });
  });
}
