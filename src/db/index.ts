// The storage layer's public surface: the Dexie schema and the dataset reads and writes.
export { BenchtopDB, openBenchtopDb, restoreDataset, type DatasetBytesRow } from './schema';
export {
  createDexieDatasetStore,
  listDatasets,
  renameDataset,
  deleteDataset,
  storageUsage,
  estimateStorage,
  isQuotaError,
  formatBytes,
  MAX_NAME_LENGTH,
  type StorageUsage,
} from './datasets';
