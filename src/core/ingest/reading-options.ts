// How a person states reading options in words (CLI flags, the import panel's fields) and how
// they become IngestOptions. One place, so the CLI and the app accept exactly the same things.
import { BenchtopError } from '../errors';
import { DEFAULT_MISSING_MARKERS, type IngestOptions } from './types';

/** Delimiters by the names people use for them. */
export const DELIMITER_NAMES: Readonly<Record<string, string>> = {
  comma: ',',
  ',': ',',
  semicolon: ';',
  ';': ';',
  tab: '\t',
  '\\t': '\t',
  '\t': '\t',
  pipe: '|',
  '|': '|',
};

export interface ReadingOptionsText {
  /** 'auto' or a name/character from DELIMITER_NAMES. */
  delimiter?: string;
  /** 'auto', 'utf-8' or 'windows-1252' (also 'latin-1', 'latin1', 'cp1252', 'iso-8859-1'). */
  encoding?: string;
  /** Comma-separated missing markers, e.g. "NA, ?, -". Empty fields are always missing. */
  missing?: string;
}

const ENCODING_NAMES: Readonly<Record<string, 'utf-8' | 'windows-1252'>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'latin-1': 'windows-1252',
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
};

/** The default missing markers as a person would type them. */
export const DEFAULT_MISSING_TEXT = DEFAULT_MISSING_MARKERS.filter((m) => m !== '').join(', ');

/** "NA, ?, -" -> ['', 'NA', '?', '-']: trimmed, de-duplicated, empty always included. */
export function parseMissingMarkers(text: string): string[] {
  const markers = text
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  return ['', ...new Set(markers)];
}

/** Turns the words into IngestOptions; unknown names are a BenchtopError that lists the choices. */
export function readingOptions(
  text: ReadingOptionsText,
): Pick<IngestOptions, 'delimiter' | 'encoding' | 'missingMarkers'> {
  const out: Pick<IngestOptions, 'delimiter' | 'encoding' | 'missingMarkers'> = {};
  const delimiter = text.delimiter?.trim() === '' ? text.delimiter : text.delimiter?.trim();
  if (delimiter !== undefined && delimiter !== 'auto') {
    const d = DELIMITER_NAMES[delimiter.toLowerCase()] ?? DELIMITER_NAMES[delimiter];
    if (d === undefined) {
      throw new BenchtopError(
        'invalid-argument',
        `Unknown delimiter '${delimiter}'. Use auto, comma, semicolon, tab or pipe.`,
      );
    }
    out.delimiter = d;
  }
  const encoding = text.encoding?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== 'auto') {
    const e = ENCODING_NAMES[encoding];
    if (e === undefined) {
      throw new BenchtopError(
        'invalid-argument',
        `Unknown encoding '${text.encoding}'. Use auto, utf-8 or windows-1252 (latin-1).`,
      );
    }
    out.encoding = e;
  }
  if (text.missing !== undefined) out.missingMarkers = parseMissingMarkers(text.missing);
  return out;
}
