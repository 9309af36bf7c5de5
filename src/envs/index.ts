/** Multi-agent environments (pure TypeScript, deterministic for a seed). */
export * from './types.js';
export * from './registry.js';
export { MatrixGame, NONMONOTONIC_PAYOFF } from './matrix-game.js';
export { TwoStepGame } from './two-step.js';
export { RecallEnv, type RecallOptions } from './recall.js';
export { LbfEnv, parseLbfId, LBF_ACTIONS, type LbfOptions } from './lbf.js';
export { SpreadEnv, SPREAD_PHYSICS } from './mpe-spread.js';
export { SmacliteEnv } from './smaclite/env.js';
export { MAPS, TERRAINS, type CombatMap, type MapGroup } from './smaclite/maps.js';
export { UNIT_TYPES, type UnitStats } from './smaclite/units.js';
export { focusFire } from './smaclite/scripted.js';
export { CheckedEnv, checkEnvShape, ENV_METHODS } from './check.js';
export { MODULE_PREFIX, loadEnvModule, parseModuleId, type EnvFactory } from './module-env.js';
export { PYTHON_PREFIX, PythonEnv, DEFAULT_BRIDGE_TIMEOUT_MS, type BridgeOptions } from './bridge/python-env.js';
