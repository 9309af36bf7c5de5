/** Multi-agent environments (pure TypeScript, deterministic for a seed). */
export * from './types.js';
export * from './registry.js';
export { MatrixGame, NONMONOTONIC_PAYOFF } from './matrix-game.js';
export { TwoStepGame } from './two-step.js';
export { RecallEnv, type RecallOptions } from './recall.js';
