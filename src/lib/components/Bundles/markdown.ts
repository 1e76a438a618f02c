// A tiny, safe markdown subset for a bundle's MODEL_CARD.md: headings (# to ####), bullet lists,
// pipe tables, paragraphs and `inline code`. The text comes from a file someone sent, so it is
// parsed into plain data that the ModelCard component renders as text nodes: no HTML from the
// bundle ever reaches innerHTML, links are not followed, images are not loaded.

export interface Span {
  text: string;
  code: boolean;
}

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4; spans: Span[] }
  | { type: 'list'; items: Span[][] }
  | { type: 'table'; head: Span[][]; rows: Span[][][] }
  | { type: 'paragraph'; spans: Span[] };

/** `code` spans and plain text, in order. An unclosed backtick is plain text. */
export function inline(text: string): Span[] {
  const out: Span[] = [];
  let rest = text;
  while (rest.length > 0) {
    const open = rest.indexOf('`');
    const close = open >= 0 ? rest.indexOf('`', open + 1) : -1;
    if (open < 0 || close < 0) {
      out.push({ text: rest, code: false });
      break;
    }
    if (open > 0) out.push({ text: rest.slice(0, open), code: false });
    out.push({ text: rest.slice(open + 1, close), code: true });
    rest = rest.slice(close + 1);
  }
  return out;
}

function cells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|')) s = s.slice(0, -1);
  return s.split('|').map((c) => c.trim());
}

const SEPARATOR = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/;

/** Parses the subset; anything else is kept as paragraph text, never dropped or interpreted. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0)
      blocks.push({ type: 'paragraph', spans: inline(paragraph.join(' ')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '') {
      flush();
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(trimmed);
    if (heading) {
      flush();
      blocks.push({
        type: 'heading',
        level: heading[1].length as 1 | 2 | 3 | 4,
        spans: inline(heading[2]),
      });
      continue;
    }
    if (/^[-*]\s+/.test(trimmed)) {
      flush();
      const items: Span[][] = [];
      while (i < lines.length && /^[-*]\s+/.test(lines[i].trim())) {
        items.push(inline(lines[i].trim().replace(/^[-*]\s+/, '')));
        i++;
      }
      i--;
      blocks.push({ type: 'list', items });
      continue;
    }
    if (trimmed.startsWith('|') && i + 1 < lines.length && SEPARATOR.test(lines[i + 1].trim())) {
      flush();
      const head = cells(trimmed).map(inline);
      const rows: Span[][][] = [];
      i += 2;
      while (i < lines.length && lines[i].trim().startsWith('|')) {
        rows.push(cells(lines[i]).map(inline));
        i++;
      }
      i--;
      blocks.push({ type: 'table', head, rows });
      continue;
    }
    paragraph.push(trimmed);
  }
  flush();
  return blocks;
}
