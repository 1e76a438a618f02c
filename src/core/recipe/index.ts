// Public surface of recipes: the versioned Recipe JSON, role and task suggestions, auto-prepare,
// fitting a recipe on a frame, and step previews. The data worker's prep API and the CLI use these.
export {
  emptyRecipe,
  migrateRecipe,
  parseRecipe,
  parseRecipeText,
  serializeRecipe,
  MIGRATIONS,
  RECIPE_FORMAT,
  RECIPE_VERSION,
  type Recipe,
  type RecipeMigration,
  type RecipeRoles,
  type Task,
} from './recipe';
export {
  suggestRoles,
  suggestTask,
  FEW_CLASSES,
  type IgnoreSuggestion,
  type RoleSuggestions,
  type TaskSuggestion,
} from './roles';
export { autoRecipe, AUTO_MAX_CATEGORIES, type AutoRecipeOptions } from './auto';
export {
  applyRecipe,
  checkRecipeData,
  fitRecipe,
  fitRecipeSync,
  recipeInput,
  type FitRecipeHooks,
  type FittedRecipe,
} from './run';
export {
  previewAll,
  previewStep,
  previewSteps,
  summarizeFitted,
  HISTOGRAM_SAMPLE,
  SAMPLE_ROWS,
  DROPPED_EXAMPLES,
  type ColumnHistograms,
  type PreviewOptions,
  type SampleTable,
  type StepPreview,
} from './preview';
