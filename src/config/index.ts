/** The typed training configuration: types, defaults and presets, validation. */
export * from './types.js';
export * from './defaults.js';
export * from './learners.js';
export * from './validate.js';
