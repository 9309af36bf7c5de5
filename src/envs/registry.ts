/** The environment registry: id → constructor, and the listing behind `mast envs`. */
import { UnknownNameError } from '../util/errors.js';
import type { EnvInfo, MultiAgentEnv } from './types.js';
import { MatrixGame, NONMONOTONIC_PAYOFF } from './matrix-game.js';
import { TwoStepGame } from './two-step.js';
import { RecallEnv } from './recall.js';

/** Registered environment ids. */
export const ENV_IDS = ['matrix/nonmonotonic', 'twostep', 'recall'] as const;
/** A registered environment id. */
export type EnvId = (typeof ENV_IDS)[number];

const REGISTRY: Record<EnvId, { description: string; create: () => MultiAgentEnv }> = {
  'matrix/nonmonotonic': {
    description: 'one-step 2-agent game [[8,-12,-12],[-12,0,0],[-12,0,0]] (QMIX/WQMIX papers)',
    create: () => new MatrixGame('matrix/nonmonotonic', NONMONOTONIC_PAYOFF),
  },
  twostep: { description: 'two-step 2-agent game of the QMIX paper; optimum 8 needs coordination', create: () => new TwoStepGame() },
  recall: { description: '3 agents each report a cue seen only at step 0; team reward 1 if all are right', create: () => new RecallEnv('recall') },
};

/** Make the environment registered under `id`. */
export function makeEnv(id: string): MultiAgentEnv {
  if (!Object.prototype.hasOwnProperty.call(REGISTRY, id)) {
    throw new UnknownNameError('environment', id, ENV_IDS, { hint: 'run `mast envs` to list environments' });
  }
  return REGISTRY[id as EnvId].create();
}

/** Every registered environment with its description and sizes. */
export function listEnvs(): Array<{ id: EnvId; description: string; info: EnvInfo }> {
  return ENV_IDS.map((id) => ({ id, description: REGISTRY[id].description, info: REGISTRY[id].create().getEnvInfo() }));
}
