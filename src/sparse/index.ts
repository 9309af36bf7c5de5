/** Sparsity on plain typed arrays: per-layer density allocation, masks and their evolution. */
export * from './density.js';
export * from './mask.js';
export * from './topology.js';
export * from './prune.js';
export * from './exploration.js';
