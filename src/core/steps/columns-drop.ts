// columns.drop: removes the chosen columns (an identifier, free text, a column that leaks the
// target). A transform, not a filter: at inference the same columns are dropped from every row, so
// a prediction request may still carry them. Nothing is learned; the state is empty.
import {
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type FrameColumn,
} from '../data/frame';
import { ANY_KIND, defineStep } from './define';

type Params = { columns: string[] };
type State = Record<string, never>;

export const columnsDrop = defineStep<Params, State>({
  kind: 'columns.drop',
  role: 'transform',
  title: 'Drop columns',
  description:
    'Removes the chosen columns, from the training data and from every row predicted later (for identifiers, free text, or columns that give the answer away).',
  params: {
    columns: { type: 'columns', label: 'Columns to drop', kinds: ANY_KIND },
  },
  defaults: { columns: [] },

  fit() {
    return {};
  },

  transform(frame, fitted) {
    const replacements = new Map<string, FrameColumn[]>();
    for (const name of fitted.spec.params.columns) replacements.set(name, []);
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'an identifier and a text column go, the rest stay in order',
      params: { columns: ['id', 'notes'] },
      frame: () =>
        makeFrame([
          numericColumn('id', 'integer', [101, 102, 103, 104]),
          numericColumn('age', 'integer', [30, null, 41, 22]),
          stringColumn('notes', 'text', ['late', null, 'called twice', 'ok']),
          stringColumn('city', 'categorical', ['Oslo', 'Lima', null, 'Oslo']),
        ]),
    },
  ],
});
