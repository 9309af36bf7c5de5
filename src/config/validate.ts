/**
 * Turning presets and overrides into a validated {@link TrainConfig}: deep-merge over the defaults,
 * reject unknown keys and wrong kinds (nanoGPT's configurator does the same), then range-check.
 */
import { createHash } from 'node:crypto';
import { ConfigError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';
import { DEFAULT_CONFIG, MODE_DEFAULTS, PRESETS, type DeepPartial, type PresetName } from './defaults.js';
import { MODE_GROW_RULES, SPARSITY_MODE_KINDS, usesDensity } from './learners.js';
import {
  ALGORITHMS,
  COMPUTE_MODES,
  runsOnKernels,
  RUNNER_NAMES,
  BOOTSTRAP_OPERATORS,
  DENSITY_DISTRIBUTIONS,
  GROW_CHOICES,
  OPTIMIZER_NAMES,
  PRUNING_SCHEDULES,
  RETURN_KINDS,
  SPARSE_INITS,
  SPARSITY_MODES,
  type ComputeMode,
  type TrainConfig,
} from './types.js';

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys whose value is a free-form object (any keys, any JSON values), merged key by key. */
const FREE_FORM = new Set(['envArgs']);

/** Merge `patch` into a copy of `base`, where `base` fixes the allowed keys and their kinds. */
function mergeStrict(base: Json, patch: Json, path: string): Json {
  const out: Json = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in base)) {
      throw new ConfigError(
        `unknown config key '${where}'; expected one of ${Object.keys(base)
          .map((k) => (path ? `${path}.${k}` : k))
          .join(', ')}`,
      );
    }
    const current = base[key];
    if (value === undefined) continue;
    if (FREE_FORM.has(where)) {
      if (!isPlainObject(value))
        throw new ConfigError(`config key '${where}' must be an object, got ${JSON.stringify(value)}`);
      out[key] = { ...(current as Json), ...structuredClone(value) };
    } else if (isPlainObject(current)) {
      if (!isPlainObject(value))
        throw new ConfigError(`config key '${where}' must be an object, got ${JSON.stringify(value)}`);
      out[key] = mergeStrict(current, value, where);
    } else if (typeof value !== typeof current) {
      throw new ConfigError(`config key '${where}' must be a ${typeof current}, got ${JSON.stringify(value)}`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function check(ok: boolean, key: string, value: unknown, bound: string): void {
  if (!ok) throw new ConfigError(`config key '${key}' must be ${bound}, got ${JSON.stringify(value)}`);
}

function isInt(v: number, min: number): boolean {
  return Number.isInteger(v) && v >= min;
}

function checkEnum(kind: string, allowed: readonly string[], value: string): void {
  if (!allowed.includes(value)) throw new UnknownNameError(kind, value, allowed);
}

/** Range-check a fully merged config; throws {@link ConfigError} naming the key, value and bound. */
export function checkConfig(c: TrainConfig): void {
  check(typeof c.env === 'string' && c.env.length > 0, 'env', c.env, 'a non-empty environment id');
  check(isPlainObject(c.envArgs), 'envArgs', c.envArgs, 'an object of JSON values');
  check(isInt(c.envWorkers, 1) && c.envWorkers <= 64, 'envWorkers', c.envWorkers, 'an integer in [1, 64]');
  checkEnum('runner', RUNNER_NAMES, c.runner);
  if (c.runner === 'parallel' && c.envWorkers < 2) {
    throw new ConfigError(
      `runner is 'parallel' but envWorkers is ${c.envWorkers}: it makes one update per round of envWorkers episodes`,
      { hint: "give envWorkers ≥ 2 (pymarl2's batch_size_run is 8: --env-workers 8), or use runner 'episode'" },
    );
  }
  check(typeof c.actingThread === 'boolean', 'actingThread', c.actingThread, 'true or false');
  checkEnum('compute', COMPUTE_MODES, c.compute);
  if (c.actingThread && !runsOnKernels(c.compute)) {
    throw new ConfigError(
      `actingThread is true but compute is '${c.compute}': the acting thread steps the agent on the kernels`,
      {
        hint: "use compute 'arrays' (the default) or compute 'kernels', or actingThread false",
      },
    );
  }
  checkEnum('algorithm', ALGORITHMS, c.alg);
  check(c.updateThreads === 1 || c.updateThreads === 2, 'updateThreads', c.updateThreads, '1 or 2');
  if (c.updateThreads === 2 && c.compute !== 'arrays') {
    throw new ConfigError(
      `updateThreads is 2 but compute is '${c.compute}': the second update thread serves the array update only`,
      {
        hint: "use compute 'arrays' (the default), or updateThreads 1",
      },
    );
  }
  check(isInt(c.seed, 0) && c.seed <= 0xffffffff, 'seed', c.seed, 'an integer in [0, 2^32)');
  check(isInt(c.steps, 1), 'steps', c.steps, 'a positive integer');
  check(c.gamma >= 0 && c.gamma <= 1, 'gamma', c.gamma, 'in [0, 1]');
  check(isInt(c.batchSize, 1), 'batchSize', c.batchSize, 'a positive integer');
  check(isInt(c.bufferSize, c.batchSize), 'bufferSize', c.bufferSize, `an integer ≥ batchSize (${c.batchSize})`);
  check(isInt(c.targetUpdateInterval, 1), 'targetUpdateInterval', c.targetUpdateInterval, 'a positive integer');
  const e = c.epsilon;
  check(e.start >= 0 && e.start <= 1, 'epsilon.start', e.start, 'in [0, 1]');
  check(e.finish >= 0 && e.finish <= 1, 'epsilon.finish', e.finish, 'in [0, 1]');
  check(isInt(e.annealSteps, 1), 'epsilon.annealSteps', e.annealSteps, 'a positive integer');
  check(isInt(c.agent.hidden, 1), 'agent.hidden', c.agent.hidden, 'a positive integer');
  check(isInt(c.mixer.embed, 1), 'mixer.embed', c.mixer.embed, 'a positive integer');
  check(isInt(c.mixer.hypernetEmbed, 1), 'mixer.hypernetEmbed', c.mixer.hypernetEmbed, 'a positive integer');
  const w = c.wqmix;
  check(w.owWeight >= 0 && w.owWeight <= 1, 'wqmix.owWeight', w.owWeight, 'in [0, 1]');
  check(w.cwWeight >= 0 && w.cwWeight <= 1, 'wqmix.cwWeight', w.cwWeight, 'in [0, 1]');
  check(isInt(w.centralEmbed, 1), 'wqmix.centralEmbed', w.centralEmbed, 'a positive integer');
  check(c.res.beta > 0 && Number.isFinite(c.res.beta), 'res.beta', c.res.beta, 'a positive number');
  check(c.res.lambda >= 0 && Number.isFinite(c.res.lambda), 'res.lambda', c.res.lambda, 'a number ≥ 0');
  const o = c.optimizer;
  checkEnum('optimizer', OPTIMIZER_NAMES, o.name);
  check(o.lr > 0 && Number.isFinite(o.lr), 'optimizer.lr', o.lr, 'a positive number');
  check(o.alpha > 0 && o.alpha < 1, 'optimizer.alpha', o.alpha, 'in (0, 1)');
  check(o.beta1 >= 0 && o.beta1 < 1, 'optimizer.beta1', o.beta1, 'in [0, 1)');
  check(o.beta2 >= 0 && o.beta2 < 1, 'optimizer.beta2', o.beta2, 'in [0, 1)');
  check(o.eps > 0, 'optimizer.eps', o.eps, 'positive');
  check(o.gradClip > 0, 'optimizer.gradClip', o.gradClip, 'positive');
  const s = c.sparsity;
  checkEnum('sparsity mode', SPARSITY_MODES, s.mode);
  checkEnum('density distribution', DENSITY_DISTRIBUTIONS, s.distribution);
  checkEnum('sparse initialisation', SPARSE_INITS, s.init);
  check(s.density > 0 && s.density <= 1, 'sparsity.density', s.density, 'in (0, 1]');
  const modeKind = SPARSITY_MODE_KINDS[s.mode];
  if (!usesDensity(modeKind) && s.density !== 1) {
    throw new ConfigError(`sparsity.density is ${s.density} but sparsity.mode is 'dense'`, {
      hint: 'choose a sparse mode (e.g. --sparsity static) or leave the density at 1',
    });
  }
  if (usesDensity(modeKind) && s.density === 1) {
    throw new ConfigError(`sparsity.mode is '${s.mode}' but sparsity.density is 1`, {
      hint: 'give a density below 1 (e.g. --density 0.1) or use --sparsity dense',
    });
  }
  checkEnum('pruning schedule', PRUNING_SCHEDULES, c.pruning.schedule);
  check(isInt(c.pruning.interval, 1), 'pruning.interval', c.pruning.interval, 'a positive integer');
  check(
    c.pruning.endFraction > 0 && c.pruning.endFraction <= 1,
    'pruning.endFraction',
    c.pruning.endFraction,
    'in (0, 1]',
  );
  check(
    c.pruning.startDensity >= s.density && c.pruning.startDensity <= 1,
    'pruning.startDensity',
    c.pruning.startDensity,
    `in [sparsity.density, 1] = [${s.density}, 1]`,
  );
  if (c.pruning.schedule === 'gradual' && !modeKind.masked) {
    throw new ConfigError(`pruning.schedule is 'gradual' but sparsity.mode is '${s.mode}', which has no masks`, {
      hint: "choose a masked mode (static, set, rigl, rlx2, mast) or pruning.schedule 'oneshot'",
    });
  }
  const tp = c.topology;
  check(isInt(tp.interval, 1), 'topology.interval', tp.interval, 'a positive integer');
  check(tp.dropFraction >= 0 && tp.dropFraction <= 1, 'topology.dropFraction', tp.dropFraction, 'in [0, 1]');
  check(
    isInt(tp.gradientUpdates, 1) && tp.gradientUpdates <= tp.interval,
    'topology.gradientUpdates',
    tp.gradientUpdates,
    `an integer in [1, topology.interval = ${tp.interval}]`,
  );
  check(tp.endFraction >= 0 && tp.endFraction <= 1, 'topology.endFraction', tp.endFraction, 'in [0, 1]');
  checkEnum('grow rule', GROW_CHOICES, tp.grow);
  if (tp.grow !== 'mode' && MODE_GROW_RULES[s.mode] === null) {
    const evolving = SPARSITY_MODES.filter((m) => MODE_GROW_RULES[m] !== null);
    throw new ConfigError(`topology.grow is '${tp.grow}' but sparsity.mode '${s.mode}' never changes its masks`, {
      hint: `choose a mode whose topology evolves (${evolving.join(', ')}) or leave topology.grow at 'mode'`,
    });
  }
  const rule = tp.grow === 'mode' ? MODE_GROW_RULES[s.mode] : tp.grow;
  if (tp.gradientUpdates > 1 && rule !== 'gradient') {
    throw new ConfigError(
      `topology.gradientUpdates is ${tp.gradientUpdates} but sparsity.mode '${s.mode}' grows ${rule === null ? 'nothing' : 'at random'}: it only applies to the gradient grow rule`,
      {
        hint: "choose rigl, rlx2 or mast (or topology.grow 'gradient' on an evolving mode), or leave topology.gradientUpdates at 1",
      },
    );
  }
  const tg = c.targets;
  checkEnum('bootstrap operator', BOOTSTRAP_OPERATORS, tg.operator);
  checkEnum('compute', COMPUTE_MODES, c.compute);
  checkEnum('return kind', RETURN_KINDS, tg.returns);
  check(tg.omega > 0 && Number.isFinite(tg.omega), 'targets.omega', tg.omega, 'a positive number');
  check(tg.alpha >= 0 && Number.isFinite(tg.alpha), 'targets.alpha', tg.alpha, 'a number ≥ 0');
  check(tg.lambda >= 0 && tg.lambda <= 1, 'targets.lambda', tg.lambda, 'in [0, 1]');
  check(typeof tg.cutTraces === 'boolean', 'targets.cutTraces', tg.cutTraces, 'true or false');
  check(isInt(tg.nStep, 1), 'targets.nStep', tg.nStep, 'a positive integer');
  check(tg.switchFraction >= 0 && tg.switchFraction <= 1, 'targets.switchFraction', tg.switchFraction, 'in [0, 1]');
  const rb = c.recentBuffer;
  check(isInt(rb.capacity, 1), 'recentBuffer.capacity', rb.capacity, 'a positive integer');
  check(rb.fraction >= 0 && rb.fraction <= 1, 'recentBuffer.fraction', rb.fraction, 'in [0, 1]');
  check(isInt(c.schedule.testInterval, 1), 'schedule.testInterval', c.schedule.testInterval, 'a positive integer');
  check(isInt(c.schedule.testEpisodes, 1), 'schedule.testEpisodes', c.schedule.testEpisodes, 'a positive integer');
  check(
    isInt(c.schedule.checkpointInterval, 1),
    'schedule.checkpointInterval',
    c.schedule.checkpointInterval,
    'a positive integer',
  );
  check(
    typeof c.schedule.checkpointSeconds === 'number' &&
      c.schedule.checkpointSeconds > 0 &&
      Number.isFinite(c.schedule.checkpointSeconds),
    'schedule.checkpointSeconds',
    c.schedule.checkpointSeconds,
    'a positive number of seconds',
  );
}

/** Merge the overrides over `base`, with the resulting sparsity mode's defaults slotted in beneath them. */
function layerOverrides(base: Json, overrides: readonly DeepPartial<TrainConfig>[]): TrainConfig {
  const applyOverrides = (start: Json): Json =>
    overrides.reduce<Json>((acc, o) => mergeStrict(acc, o as Json, ''), start);
  // The mode is known only after the overrides; its defaults then slot in beneath them.
  const merged = applyOverrides(base) as unknown as TrainConfig;
  checkEnum('sparsity mode', SPARSITY_MODES, merged.sparsity.mode);
  const beneath: Json = { ...MODE_DEFAULTS[merged.sparsity.mode] };
  const config = applyOverrides(mergeStrict(base, beneath, '')) as unknown as TrainConfig;
  checkConfig(config);
  return config;
}

/**
 * Build a validated config: defaults ← preset ← the sparsity mode's {@link MODE_DEFAULTS} ← each
 * override in order.
 * @throws ConfigError on unknown keys, wrong kinds or out-of-range values; UnknownNameError on unknown names.
 */
export function resolveConfig(preset: string = 'default', ...overrides: DeepPartial<TrainConfig>[]): TrainConfig {
  if (!Object.prototype.hasOwnProperty.call(PRESETS, preset))
    throw new UnknownNameError('preset', preset, Object.keys(PRESETS));
  const presetLayer: DeepPartial<TrainConfig> = PRESETS[preset as PresetName];
  return layerOverrides(mergeStrict(DEFAULT_CONFIG as unknown as Json, presetLayer as Json, ''), overrides);
}

/**
 * A config derived from an existing run's: `base` ← the (new) sparsity mode's defaults ← overrides,
 * e.g. a dense run's config turned into a MAST fine-tuning run by `mast compress`.
 */
export function deriveConfig(base: TrainConfig, ...overrides: DeepPartial<TrainConfig>[]): TrainConfig {
  return layerOverrides(structuredClone(base) as unknown as Json, overrides);
}

/**
 * The compute path of a saved config that names none: one saved before `compute` was a key, which
 * has been read as `kernels` since (not the current default, which would change what resuming it runs).
 */
const UNNAMED_SAVED_COMPUTE: ComputeMode = 'kernels';

/** Validate a config read from disk (a checkpoint's or a user's JSON file): every key known, all ranges met. */
export function parseConfig(value: unknown, what: string): TrainConfig {
  if (!isPlainObject(value)) throw new ConfigError(`${what}: expected a JSON object`);
  const defaults = { ...DEFAULT_CONFIG, compute: UNNAMED_SAVED_COMPUTE };
  const merged = mergeStrict(defaults as unknown as Json, value, '') as unknown as TrainConfig;
  checkConfig(merged);
  return merged;
}

/** Canonical JSON (sorted keys), so equal configs hash equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Keys added after configs were first saved, with their defaults: left out of the hash at those values. */
const LATE_KEYS: Partial<Record<keyof TrainConfig, unknown>> = {
  envArgs: {},
  envWorkers: 1,
  runner: 'episode',
  actingThread: false,
  updateThreads: 1,
};

/** A config's value at `key` as {@link configHash} sees it: a late key left out reads as its default. */
function hashedValue(config: TrainConfig, key: keyof TrainConfig): string {
  const value = config[key] === undefined && key in LATE_KEYS ? LATE_KEYS[key] : config[key];
  return canonical(value);
}

/** The top-level keys whose values differ between two configs (compared as {@link configHash} compares them). */
export function configDifferences(a: TrainConfig, b: TrainConfig): (keyof TrainConfig)[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof TrainConfig)[]);
  return [...keys].filter((k) => hashedValue(a, k) !== hashedValue(b, k));
}

/**
 * The differences between a saved config and a given one, for an error message: each differing
 * top-level key, with both values where they are short (`compute (saved kernels, given arrays)`),
 * else the key alone (`sparsity`).
 */
export function describeConfigDifferences(saved: TrainConfig, given: TrainConfig): string {
  const short = (v: string): boolean => v.length <= 24;
  return configDifferences(saved, given)
    .map((k) => {
      const [was, now] = [hashedValue(saved, k), hashedValue(given, k)];
      return short(was) && short(now) ? `${k} (saved ${was}, given ${now})` : k;
    })
    .join(', ');
}

/**
 * A short, stable hash of a config (first 12 hex digits of SHA-256 over canonical JSON). Keys added
 * later ({@link LATE_KEYS}) are left out at their defaults, so configs from before they existed keep
 * their hashes.
 */
export function configHash(config: TrainConfig): string {
  const hashed: Json = { ...config };
  for (const [key, value] of Object.entries(LATE_KEYS))
    if (canonical(hashed[key]) === canonical(value) || hashed[key] === undefined) delete hashed[key];
  return createHash('sha256').update(canonical(hashed)).digest('hex').slice(0, 12);
}
