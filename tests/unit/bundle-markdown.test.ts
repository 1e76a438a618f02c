// The model card's markdown subset (src/lib/components/Bundles/markdown.ts): a real MODEL_CARD.md
// written by core's modelCard() for a penguins model parses into its Mitchell et al. sections,
// lists and tables; HTML and links in a card someone crafted stay plain text (the component
// renders text nodes only).
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeTf } from '../../src/core/models/node-tf';
import { bundleInputFromFinal, readBundle, writeBundle } from '../../src/core/bundle';
import { inline, parseMarkdown, type Block } from '../../src/lib/components/Bundles/markdown';
import { DATA, trained } from './bundle-helpers';

let card = '';
beforeAll(async () => {
  const { tf } = await nodeTf('wasm');
  const t = await trained(tf, DATA.penguins, 'Species');
  try {
    const zip = await writeBundle(
      await bundleInputFromFinal(tf, t.final, t.frame, {
        name: 'Penguins',
        created: '2025-03-01T12:00:00.000Z',
      }),
    );
    card = (await readBundle(zip)).modelCard;
  } finally {
    t.final.model.dispose();
  }
}, 60_000);

function text(spans: { text: string }[]): string {
  return spans.map((s) => s.text).join('');
}

describe('parseMarkdown', () => {
  it('reads a real model card: its sections, bullet lists and the input-column table', () => {
    const blocks = parseMarkdown(card);
    const headings = blocks.filter(
      (b): b is Extract<Block, { type: 'heading' }> => b.type === 'heading',
    );
    expect(headings[0]).toMatchObject({ level: 1 });
    expect(text(headings[0].spans)).toBe('Model card: Penguins 1.0.0');
    expect(headings.filter((h) => h.level === 2).map((h) => text(h.spans))).toEqual([
      'Model details',
      'Intended use',
      'Factors',
      'Metrics',
      'Evaluation data',
      'Training data',
      'Quantitative analyses',
      'Ethical considerations',
      'Caveats and recommendations',
    ]);
    const tables = blocks.filter((b): b is Extract<Block, { type: 'table' }> => b.type === 'table');
    const inputs = tables.find((t) => text(t.head[0]) === 'input column')!;
    expect(inputs.head.map(text)).toEqual(['input column', 'kind', 'training values', 'missing']);
    const names = inputs.rows.map((r) => r[0]);
    expect(names.every((c) => c.length === 1 && c[0].code)).toBe(true);
    expect(names.map(text)).toContain('Beak Length (mm)');
    expect(blocks.some((b) => b.type === 'list' && b.items.length >= 3)).toBe(true);
    // Nothing is lost: every non-empty line's words are somewhere in the blocks.
    const all = JSON.stringify(blocks);
    for (const word of ['Fingerprint', 'Rows per class', 'drift']) expect(all).toContain(word);
  });

  it('keeps HTML, links and images as plain text', () => {
    const blocks = parseMarkdown(
      '# Hi <img src=x onerror=alert(1)>\n\n<script>alert(1)</script> [link](javascript:alert(1))\n- `<b>` item',
    );
    expect(blocks).toEqual([
      {
        type: 'heading',
        level: 1,
        spans: [{ text: 'Hi <img src=x onerror=alert(1)>', code: false }],
      },
      {
        type: 'paragraph',
        spans: [{ text: '<script>alert(1)</script> [link](javascript:alert(1))', code: false }],
      },
      {
        type: 'list',
        items: [
          [
            { text: '<b>', code: true },
            { text: ' item', code: false },
          ],
        ],
      },
    ]);
  });

  it('inline code: pairs of backticks; an unclosed one stays text', () => {
    expect(inline('a `b` c `d')).toEqual([
      { text: 'a ', code: false },
      { text: 'b', code: true },
      { text: ' c `d', code: false },
    ]);
    expect(inline('')).toEqual([]);
  });
});
