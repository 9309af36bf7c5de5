/**
 * The environment registry: fixed ids, and id families parsed from their name (`smaclite/3m`,
 * `lbf/8x8-2p-2f-coop`, `mpe/spread-4`), each listed by `mast envs` through its standard configurations;
 * and the user's own environments: `module:PATH[#EXPORT]` (JavaScript, module-env.ts) and
 * `python:MODULE:Class` / `python:FILE.py:Class` (a Python process, bridge/python-env.ts), both
 * checked on every call (check.ts). Module ids need `await prepareEnv(id)` once before `makeEnv(id)`.
 */
import { UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';
import type { EnvInfo, MultiAgentEnv } from './types.js';
import { CheckedEnv, type MethodNames } from './check.js';
import { MODULE_PREFIX, loadEnvModule, makeModuleEnv } from './module-env.js';
import { PYTHON_PREFIX, PythonEnv, type BridgeOptions } from './bridge/python-env.js';
import { MatrixGame, NONMONOTONIC_PAYOFF } from './matrix-game.js';
import { TwoStepGame } from './two-step.js';
import { RecallEnv } from './recall.js';
import { LbfEnv, parseLbfId } from './lbf.js';
import { SpreadEnv } from './mpe-spread.js';
import { SmacliteEnv } from './smaclite/env.js';
import { MAPS } from './smaclite/maps.js';

interface Fixed {
  description: string;
  create: () => MultiAgentEnv;
}

/** A parameterised family of ids. */
interface Family {
  /** The id pattern, as shown to users. */
  pattern: string;
  description: (id: string) => string;
  /** The environment for `id`, or null when `id` is not in this family. */
  parse: (id: string) => (() => MultiAgentEnv) | null;
  /** The configurations `mast envs` lists (for LBF, those of the EPyMARL benchmark). */
  listed: readonly string[];
}

const FIXED: Record<string, Fixed> = {
  'matrix/nonmonotonic': {
    description: 'one-step 2-agent game [[8,-12,-12],[-12,0,0],[-12,0,0]] (QMIX/WQMIX papers)',
    create: () => new MatrixGame('matrix/nonmonotonic', NONMONOTONIC_PAYOFF),
  },
  twostep: {
    description: 'two-step 2-agent game of the QMIX paper; optimum 8 needs coordination',
    create: () => new TwoStepGame(),
  },
  recall: {
    description: '3 agents each report a cue seen only at step 0; team reward 1 if all are right',
    create: () => new RecallEnv('recall'),
  },
};

const FAMILIES: readonly Family[] = [
  {
    pattern: 'smaclite/<map>',
    description: (id) => `SMAC-style combat (SMAClite rules), map ${id.slice('smaclite/'.length)}`,
    parse: (id) => {
      const name = id.startsWith('smaclite/') ? id.slice('smaclite/'.length) : null;
      const map = name !== null && Object.prototype.hasOwnProperty.call(MAPS, name) ? MAPS[name] : undefined;
      return map ? () => new SmacliteEnv(id, map) : null;
    },
    listed: Object.keys(MAPS).map((m) => `smaclite/${m}`),
  },
  {
    pattern: 'lbf/[Ks-]SxS-Pp-Ff[-coop]',
    description: (id) =>
      `Level-Based Foraging (lbforaging ${id.replace('lbf/', 'Foraging-').replace(/-v2$/, '')}-${id.endsWith('-v2') ? 'v2' : 'v3'})`,
    parse: (id) => {
      const options = parseLbfId(id);
      return options ? () => new LbfEnv(id, options) : null;
    },
    listed: [
      'lbf/8x8-2p-2f',
      'lbf/8x8-2p-2f-coop',
      'lbf/2s-8x8-2p-2f-coop',
      'lbf/10x10-3p-3f',
      'lbf/2s-10x10-3p-3f',
      'lbf/15x15-3p-5f',
      'lbf/15x15-4p-3f',
      'lbf/15x15-4p-5f',
    ],
  },
  {
    pattern: 'mpe/spread-N',
    description: (id) =>
      `MPE simple_spread: ${id.slice('mpe/spread-'.length)} agents cover as many landmarks, 25 steps`,
    parse: (id) => {
      const m = /^mpe\/spread-(\d+)$/.exec(id);
      return m ? () => new SpreadEnv(id, Number(m[1])) : null;
    },
    listed: ['mpe/spread-3', 'mpe/spread-4', 'mpe/spread-5'],
  },
];

/** The ids `mast envs` lists: the fixed ones, then each family's standard configurations. */
export const ENV_IDS: readonly string[] = [...Object.keys(FIXED), ...FAMILIES.flatMap((f) => f.listed)];

/** How to make a user environment; built-in environments ignore it. */
export interface EnvOptions extends BridgeOptions {
  /** Arguments of a user environment: the module factory's argument, the Python constructor's keyword arguments. */
  args?: Record<string, unknown>;
}

/** A Python environment's methods, as messages name them. */
const PYTHON_METHOD_NAMES: MethodNames = {
  getEnvInfo: 'get_env_info()',
  reset: 'reset()',
  step: 'step(actions)',
  getObs: 'get_obs()',
  getState: 'get_state()',
  getAvailActions: 'get_avail_actions()',
};

/** Whether `id` names a user environment (`module:` or `python:`) rather than a built-in one. */
export function isUserEnvId(id: string): boolean {
  return id.startsWith(MODULE_PREFIX) || id.startsWith(PYTHON_PREFIX);
}

/**
 * The static facts of a built-in environment, or null for a user environment, whose facts would need
 * its module loaded or its Python process started (for pictures and reports, which do without).
 */
export function builtInEnvInfo(id: string): EnvInfo | null {
  return isUserEnvId(id) ? null : makeEnv(id).getEnvInfo();
}

/**
 * Do the asynchronous part of making `id`'s environments (importing a `module:` id's module) once,
 * so that {@link makeEnv} can make them synchronously; a no-op for other ids.
 */
export async function prepareEnv(id: string): Promise<void> {
  if (id.startsWith(MODULE_PREFIX)) await loadEnvModule(id);
}

/**
 * Make the environment registered under `id` (a listed id or any member of a family), or a user
 * environment (`module:…` after {@link prepareEnv}, `python:…`; see docs/custom-envs.md). Close it
 * with `close?.()` when done (a Python environment holds a process).
 */
export function makeEnv(id: string, options: EnvOptions = {}): MultiAgentEnv {
  if (id.startsWith(MODULE_PREFIX)) return makeModuleEnv(id, options.args ?? {});
  if (id.startsWith(PYTHON_PREFIX)) {
    const env = new PythonEnv(id, options.args ?? {}, options);
    try {
      return new CheckedEnv(id, env, PYTHON_METHOD_NAMES);
    } catch (err) {
      env.close();
      throw err;
    }
  }
  if (Object.prototype.hasOwnProperty.call(FIXED, id)) return (FIXED[id] as Fixed).create();
  for (const family of FAMILIES) {
    const create = family.parse(id);
    if (create) return create();
  }
  throw new UnknownNameError(
    'environment',
    id,
    [...Object.keys(FIXED), ...FAMILIES.map((f) => f.pattern), 'module:PATH[#EXPORT]', 'python:MODULE:Class'],
    { hint: 'run `mast envs` to list environments; docs/custom-envs.md describes your own' },
  );
}

/** Every listed environment with its description and sizes. */
export function listEnvs(): Array<{ id: string; description: string; info: EnvInfo }> {
  return ENV_IDS.map((id) => {
    const family = FAMILIES.find((f) => f.parse(id) !== null);
    return {
      id,
      description: family ? family.description(id) : (FIXED[id] as Fixed).description,
      info: makeEnv(id).getEnvInfo(),
    };
  });
}
