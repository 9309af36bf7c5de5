/** Sparsity on plain typed arrays: per-layer density allocation and masks. */
export * from './density.js';
export * from './mask.js';
