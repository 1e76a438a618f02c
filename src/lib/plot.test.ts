// drawInto, the effect every chart component runs: the chart lands in its box in a later task,
// a cleanup that ran first drops it, and a draw that throws is reported instead of escaping.
import { describe, expect, it } from 'vitest';
import { drawInto, loadPlot } from './plot';

/** A box that records what was put in it (no DOM in unit tests). */
function box() {
  const children: unknown[] = [];
  const el = { replaceChildren: (...c: unknown[]) => children.splice(0, children.length, ...c) };
  return { el: el as unknown as HTMLElement, children };
}

/** Waits until the draw queue has run (Plot loads once, then one task per chart). */
async function settle(): Promise<void> {
  await loadPlot();
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

describe('drawInto', () => {
  it('puts the chart in its box in a later task and reports no failure', async () => {
    const b = box();
    const heard: (string | null)[] = [];
    const chart = { chart: 1 } as unknown as Element;
    let gotPlot: unknown = null;
    drawInto(
      b.el,
      (plot) => {
        gotPlot = plot;
        return chart;
      },
      (why) => heard.push(why),
    );
    expect(b.children).toEqual([]);
    await settle();
    expect(b.children).toEqual([chart]);
    expect(heard).toEqual([null]);
    expect(typeof (gotPlot as { plot?: unknown }).plot).toBe('function');
  });

  it('draws nothing and reports nothing once its cleanup ran (new data, or the chart went away)', async () => {
    const b = box();
    const heard: (string | null)[] = [];
    let painted = 0;
    const cleanup = drawInto(
      b.el,
      () => {
        painted++;
        return {} as Element;
      },
      (why) => heard.push(why),
    );
    cleanup();
    await settle();
    expect(painted).toBe(0);
    expect(b.children).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('reports a draw that throws instead of letting it escape, and the next draw clears it', async () => {
    const b = box();
    const heard: (string | null)[] = [];
    drawInto(
      b.el,
      () => {
        throw new Error('bad scale');
      },
      (why) => heard.push(why),
    );
    drawInto(
      b.el,
      () => ({ ok: true }) as unknown as Element,
      (why) => heard.push(why),
    );
    await settle();
    expect(heard).toEqual(['bad scale', null]);
    expect(b.children).toEqual([{ ok: true }]);
  });
});
