/** The learner the benches time: a QMIX learner for an environment's sizes, masks drawn as a run's are. */
import type { TrainConfig } from '../src/config/index.js';
import type { EnvInfo } from '../src/envs/types.js';
import { QLearner } from '../src/marl/learner/learner.js';
import { initMasks } from '../src/marl/masks/masks.js';
import { agentArchitecture } from '../src/marl/training/setup.js';
import type { Rng } from '../src/util/rng.js';

/** A learner of `config` on `info`'s sizes with its masks initialised from `rng` (the tfjs backend must be up). */
export function benchLearner(config: TrainConfig, info: EnvInfo, rng: Rng): QLearner {
  const learner = new QLearner(
    config,
    agentArchitecture(info, config.agent),
    { nAgents: info.nAgents, stateShape: info.stateShape },
    rng,
  );
  initMasks(learner.stores(), config.sparsity, rng);
  return learner;
}
