// Saved recipes over the Dexie schema (version 2): save (new or update), list per dataset, read,
// delete, and the JSON text a recipe is exported / imported as. Small writes the UI makes directly;
// every recipe is checked with parseRecipe before it is stored, so a stored recipe always reads.
import { BenchtopError, toBenchtopError } from '../core/errors';
import { parseRecipe, parseRecipeText, serializeRecipe, type Recipe } from '../core/recipe';
import { MAX_NAME_LENGTH } from './datasets';
import { restoreRecipe, type BenchtopDB, type RecipeRow, type StoredRecipe } from './schema';

export interface SaveRecipeInput {
  /** Given: updates that recipe (it must exist). Absent: stores a new one. */
  id?: string;
  datasetId: string;
  name: string;
  recipe: Recipe;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') {
    throw new BenchtopError(
      'invalid-argument',
      'A recipe needs a name: type at least one character.',
    );
  }
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new BenchtopError(
      'invalid-argument',
      `That name is ${trimmed.length} characters long; keep it to ${MAX_NAME_LENGTH} or fewer.`,
      { length: trimmed.length, max: MAX_NAME_LENGTH },
    );
  }
  return trimmed;
}

/**
 * Stores a recipe for a dataset and returns its id. The recipe is validated first (a broken one is
 * refused with parseRecipe's message) and stored with its name inside it too, so an export carries
 * the name.
 */
export async function saveRecipe(
  db: BenchtopDB,
  input: SaveRecipeInput,
  now: () => number = Date.now,
): Promise<string> {
  const name = checkName(input.name);
  // Through JSON: the stored object is plain data, whatever the caller passed (a $state proxy...).
  const recipe = parseRecipe(JSON.parse(serializeRecipe({ ...input.recipe, name })));
  const at = now();
  try {
    return await db.transaction('rw', db.recipes, async () => {
      if (input.id !== undefined) {
        const existing: unknown = await db.recipes.get(input.id);
        if (existing === undefined) {
          throw new BenchtopError(
            'not-found',
            'That recipe is no longer stored in this browser; it may have been deleted in another tab. Save it as a new recipe.',
            { id: input.id },
          );
        }
        const row: RecipeRow = {
          id: input.id,
          datasetId: input.datasetId,
          name,
          recipe,
          createdAt: restoreRecipe(existing).createdAt,
          updatedAt: at,
        };
        await db.recipes.put(row);
        return input.id;
      }
      const id = crypto.randomUUID();
      await db.recipes.add({
        id,
        datasetId: input.datasetId,
        name,
        recipe,
        createdAt: at,
        updatedAt: at,
      });
      return id;
    });
  } catch (err) {
    throw toBenchtopError(err, `Could not save the recipe "${name}"`);
  }
}

/** The recipes saved for a dataset, most recently changed first. */
export async function listRecipes(db: BenchtopDB, datasetId: string): Promise<StoredRecipe[]> {
  const rows: unknown[] = await db.recipes.where('datasetId').equals(datasetId).toArray();
  return rows
    .map(restoreRecipe)
    .sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
}

export async function getRecipe(db: BenchtopDB, id: string): Promise<StoredRecipe | undefined> {
  const row: unknown = await db.recipes.get(id);
  return row === undefined ? undefined : restoreRecipe(row);
}

/** Deletes a saved recipe. Deleting one that is already gone is not an error. */
export async function deleteRecipe(db: BenchtopDB, id: string): Promise<void> {
  try {
    await db.recipes.delete(id);
  } catch (err) {
    throw toBenchtopError(err, 'Could not delete the recipe');
  }
}

/** The text of an exported recipe file (`<name>.recipe.json`). */
export function exportRecipe(recipe: Recipe): string {
  return serializeRecipe(recipe);
}

/** Reads an imported recipe file; errors say what is wrong with it. */
export function importRecipe(text: string): Recipe {
  return parseRecipeText(text);
}
