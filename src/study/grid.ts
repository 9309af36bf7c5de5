/**
 * A study: the grid of runs behind the MAST paper's main comparison — environments × learners ×
 * sparsity modes × densities × seeds — described by one JSON file and expanded into run directories.
 * Dense runs do not depend on the density, so each (environment, learner, seed) has one.
 *
 * Runs are keyed by their config's hash (steps left out, so a larger budget resumes them): a run
 * directory whose `config.json` records other settings (the study file changed since) is neither
 * counted as done nor trained over; the run goes to a directory beside it, `<name>-<hash>`.
 *
 * ```json
 * { "dir": "runs/study", "preset": "default", "steps": 30000, "seeds": [1, 2, 3],
 *   "envs": ["smaclite/3m"], "algs": ["qmix"], "modes": ["dense", "static", "rigl", "mast"],
 *   "densities": [0.1, 0.05], "overrides": { "targets": { "omega": 10 } },
 *   "envOverrides": { "recall": { "steps": 8000 } }, "finalTests": 1, "solvedReturn": 0.9,
 *   "winThreshold": 0.8, "wonFrom": 15000 }
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  ALGORITHMS,
  SPARSITY_MODES,
  configHash,
  parseConfig,
  resolveConfig,
  type Algorithm,
  type DeepPartial,
  type SparsityMode,
  type TrainConfig,
} from '../config/index.js';
import { ConfigError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';
import { isUserEnvId, makeEnv } from '../envs/registry.js';

/** A study file's contents. */
export interface StudyConfig {
  /** Directory holding every run of the study; relative to the study file's folder when read by {@link readStudy}. */
  dir: string;
  /** Config preset every run starts from (`default`, `demo`, …). */
  preset: string;
  /** Environment steps per run (an environment's `envOverrides` may change it). */
  steps: number;
  seeds: number[];
  envs: string[];
  algs: Algorithm[];
  modes: SparsityMode[];
  /** Densities of the sparse modes (dense runs have density 1). */
  densities: number[];
  /** Config overrides for every run. */
  overrides: DeepPartial<TrainConfig>;
  /** Further overrides per environment id. */
  envOverrides: Record<string, DeepPartial<TrainConfig>>;
  /**
   * Test phases a run's final return and win rate average, ending at the budget (default 1, the
   * last). More steady a figure where greedy tests are deterministic and so all won or all lost.
   */
  finalTests: number;
  /**
   * A training return that counts a run as solved: the report then adds how many seeds reached it
   * within the budget and when. For tasks whose runs solve or stall (LBF), where a mean over few
   * seeds at a fixed budget mostly counts how many happened to solve.
   */
  solvedReturn: number | null;
  /**
   * A test win rate (0–1] whose first reaching the report counts: the seeds whose test win rate got
   * there within the budget, and the median step of their first such test (a budget search's
   * criterion, e.g. 0.8). Environments without wins leave it blank.
   */
  winThreshold: number | null;
  /**
   * A step from which the report averages each run's test win rate over every test phase at or
   * after it, up to the budget (how steadily a run wins once learnt, where the last few tests swing).
   */
  wonFrom: number | null;
}

/** One run of the grid. */
export interface StudyRun {
  env: string;
  alg: Algorithm;
  mode: SparsityMode;
  density: number;
  seed: number;
  /** Its run directory. */
  dir: string;
  config: TrainConfig;
  /** Its settings' key: the config hash with `steps` left out (a budget change keeps the run). */
  key: string;
  /** The directory that would be its own but holds a run of other settings (left alone), else null. */
  displaced: string | null;
}

/** The key of a config's settings: its hash without the step budget. */
export function settingsKey(config: TrainConfig): string {
  return configHash({ ...config, steps: 1 });
}

/** The settings key of the run recorded in `dir`, or null when it has none (or an unreadable one). */
function recordedKey(dir: string): string | null {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return null;
  try {
    return settingsKey(parseConfig(JSON.parse(readFileSync(file, 'utf8')), file));
  } catch {
    return 'unreadable';
  }
}

/** Where a run with settings `key` lives: `base` when free or holding those settings, else `<base>-<key>`. */
function runDir(base: string, key: string): { dir: string; displaced: string | null } {
  const there = recordedKey(base);
  if (there === null || there === key) return { dir: base, displaced: null };
  return { dir: `${base}-${key.slice(0, 8)}`, displaced: base };
}

const KEYS = [
  'dir',
  'preset',
  'steps',
  'seeds',
  'envs',
  'algs',
  'modes',
  'densities',
  'overrides',
  'envOverrides',
  'finalTests',
  'solvedReturn',
  'winThreshold',
  'wonFrom',
] as const;

/** Check a parsed study file; unknown keys, names and out-of-range values are {@link ConfigError}s. */
export function parseStudy(raw: unknown, what = 'study'): StudyConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(`${what} must be a JSON object`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(KEYS as readonly string[]).includes(k))
      throw new ConfigError(`${what}: unknown key '${k}'`, { hint: `keys are ${KEYS.join(', ')}` });
  const list = <T>(key: string, check: (v: unknown) => v is T, fallback?: T[]): T[] => {
    const v = o[key] ?? fallback;
    if (!Array.isArray(v) || v.length === 0 || !v.every(check))
      throw new ConfigError(`${what}: '${key}' must be a non-empty list`, { hint: `got ${JSON.stringify(o[key])}` });
    return v;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isSeed = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  /** An optional number: null when left out, NaN (refused below) when not a number. */
  const optionalNumber = (key: string): number | null =>
    o[key] === undefined ? null : typeof o[key] === 'number' ? o[key] : NaN;
  const study: StudyConfig = {
    dir: typeof o.dir === 'string' ? o.dir : 'runs/study',
    preset: typeof o.preset === 'string' ? o.preset : 'default',
    steps: Number(o.steps ?? 0),
    seeds: list('seeds', isSeed),
    envs: list('envs', isString),
    algs: list('algs', isString, ['qmix']) as Algorithm[],
    modes: list('modes', isString) as SparsityMode[],
    densities: list('densities', (v): v is number => typeof v === 'number' && v > 0 && v < 1, [0.1]),
    overrides: (o.overrides ?? {}) as DeepPartial<TrainConfig>,
    envOverrides: (o.envOverrides ?? {}) as Record<string, DeepPartial<TrainConfig>>,
    finalTests: o.finalTests === undefined ? 1 : typeof o.finalTests === 'number' ? o.finalTests : NaN,
    solvedReturn: optionalNumber('solvedReturn'),
    winThreshold: optionalNumber('winThreshold'),
    wonFrom: optionalNumber('wonFrom'),
  };
  if (!Number.isInteger(study.steps) || study.steps < 1)
    throw new ConfigError(`${what}: 'steps' must be a positive integer, got ${JSON.stringify(o.steps)}`);
  if (!Number.isInteger(study.finalTests) || study.finalTests < 1) {
    throw new ConfigError(`${what}: 'finalTests' must be a positive integer, got ${JSON.stringify(o.finalTests)}`, {
      hint: 'the number of last test phases a final return averages; 1 is the last test alone',
    });
  }
  if (study.solvedReturn !== null && !Number.isFinite(study.solvedReturn)) {
    throw new ConfigError(`${what}: 'solvedReturn' must be a number, got ${JSON.stringify(o.solvedReturn)}`, {
      hint: 'the training return at which a run counts as solved, or leave it out',
    });
  }
  if (study.winThreshold !== null && !(study.winThreshold > 0 && study.winThreshold <= 1)) {
    throw new ConfigError(
      `${what}: 'winThreshold' must be a win rate in (0, 1], got ${JSON.stringify(o.winThreshold)}`,
      { hint: 'e.g. 0.8: the report counts the seeds whose test win rate reached 80%, and when' },
    );
  }
  if (study.wonFrom !== null && !(Number.isInteger(study.wonFrom) && study.wonFrom >= 0)) {
    throw new ConfigError(
      `${what}: 'wonFrom' must be a step count (an integer ≥ 0), got ${JSON.stringify(o.wonFrom)}`,
      {
        hint: 'the step from which the report averages each run’s test win rate, e.g. half the budget',
      },
    );
  }
  for (const a of study.algs)
    if (!(ALGORITHMS as readonly string[]).includes(a)) throw new UnknownNameError('learner', a, ALGORITHMS);
  for (const m of study.modes)
    if (!(SPARSITY_MODES as readonly string[]).includes(m))
      throw new UnknownNameError('sparsity mode', m, SPARSITY_MODES);
  for (const env of study.envs) if (!isUserEnvId(env)) makeEnv(env); // an unknown id fails here, naming the known ones (a user environment is made by its runs)
  for (const env of Object.keys(study.envOverrides))
    if (!study.envs.includes(env)) throw new ConfigError(`${what}: envOverrides names '${env}', which is not in envs`);
  return study;
}

/**
 * Read and check a study file. A relative `dir` is read from the study file's folder (not the
 * working directory), so a study names the same runs wherever it is run from.
 */
export function readStudy(path: string): StudyConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read the study ${path}: ${(e as Error).message}`, {
      hint: 'give a JSON file as described in docs/studies.md',
    });
  }
  const study = parseStudy(raw, path);
  return { ...study, dir: isAbsolute(study.dir) ? study.dir : join(dirname(path), study.dir) };
}

/**
 * A part of a study's grid: each list given keeps only those values of the study's own list.
 * Dense runs belong to no density, so a `densities` selection keeps them (leave `dense` out of
 * `modes` to drop them).
 */
export interface StudySelection {
  envs?: string[];
  algs?: string[];
  modes?: string[];
  densities?: number[];
  seeds?: number[];
}

/**
 * The study narrowed to `selection`, for training or listing part of a grid first (say dense and
 * MAST before the baselines). Its runs keep their directories, so the whole study picks them up.
 * A value the study does not have is a {@link ConfigError} naming the ones it has.
 */
export function selectStudy(study: StudyConfig, selection: StudySelection): StudyConfig {
  const pick = <T extends string | number>(key: keyof StudySelection, own: readonly T[]): T[] => {
    const wanted = selection[key] as T[] | undefined;
    if (wanted === undefined) return [...own];
    for (const v of wanted) {
      if (!own.includes(v))
        throw new ConfigError(`--${key}: ${JSON.stringify(v)} is not among the study's ${key}`, {
          hint: `the study has ${own.join(', ')}`,
        });
    }
    return own.filter((v) => wanted.includes(v));
  };
  return {
    ...study,
    envs: pick('envs', study.envs),
    algs: pick('algs', study.algs),
    modes: pick('modes', study.modes),
    densities: pick('densities', study.densities),
    seeds: pick('seeds', study.seeds),
  };
}

/** A run's label in progress lines and listings, e.g. `recall qmix mast 0.1 seed 3`. */
export function runLabel(run: StudyRun): string {
  return `${run.env} ${run.alg} ${run.mode}${run.mode === 'dense' ? '' : ` ${run.density}`} seed ${run.seed}`;
}

/** Every run of the study, dense ones once per (environment, learner, seed). Configs are validated. */
export function studyRuns(study: StudyConfig): StudyRun[] {
  const runs: StudyRun[] = [];
  for (const env of study.envs) {
    for (const alg of study.algs) {
      for (const mode of study.modes) {
        for (const density of mode === 'dense' ? [1] : study.densities) {
          for (const seed of study.seeds) {
            const config = resolveConfig(
              study.preset,
              { env, alg, seed, steps: study.steps },
              study.overrides,
              study.envOverrides[env] ?? {},
              { sparsity: { mode, density } },
            );
            const name = mode === 'dense' ? `dense-s${seed}` : `${mode}-d${density}-s${seed}`;
            const key = settingsKey(config);
            runs.push({
              env,
              alg,
              mode,
              density,
              seed,
              ...runDir(join(study.dir, env.replace(/\//g, '_'), alg, name), key),
              config,
              key,
            });
          }
        }
      }
    }
  }
  return runs;
}
