/** Synthetic learner inputs for tests that should not depend on any particular environment. */
import type { EnvInfo } from '../../src/envs/types.js';
import type { Episode } from '../../src/marl/replay/episode.js';
import { Rng } from '../../src/util/rng.js';
import { QLearner } from '../../src/marl/learner/learner.js';
import { initMasks } from '../../src/marl/masks/masks.js';
import { agentArchitecture } from '../../src/marl/training/setup.js';
import { makeBatch, type EpisodeBatch } from '../../src/marl/replay/episode.js';
import { resolveConfig, type TrainConfig, type DeepPartial } from '../../src/config/index.js';

/** Sizes of a small fake environment. */
export const FAKE_INFO: EnvInfo = {
  nAgents: 3,
  nActions: 4,
  obsShape: 5,
  stateShape: 6,
  episodeLimit: 4,
  reportsWins: false,
};

/** A random episode of `length` steps (the last one terminal), with a few unavailable actions. */
export function fakeEpisode(length: number, seed: number, info: EnvInfo = FAKE_INFO): Episode {
  const rng = new Rng(seed);
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = info;
  const avail = Uint8Array.from({ length: (length + 1) * n * a }, () => (rng.next() < 0.8 ? 1 : 0));
  for (let r = 0; r < (length + 1) * n; r++) avail[r * a] = 1; // action 0 always available
  const actions = new Int32Array(length * n);
  for (let t = 0; t < length; t++) for (let i = 0; i < n; i++) actions[t * n + i] = 0;
  return {
    length,
    obs: Float32Array.from({ length: (length + 1) * n * o }, () => rng.uniform(-1, 1)),
    state: Float32Array.from({ length: (length + 1) * s }, () => rng.uniform(-1, 1)),
    avail,
    actions,
    reward: Float32Array.from({ length }, () => rng.uniform(0, 1)),
    terminated: Uint8Array.from({ length }, (_, t) => (t === length - 1 ? 1 : 0)),
  };
}

/** A small learner on {@link FAKE_INFO} with masks initialised as a run would (the tfjs backend must be up). */
export function makeTestLearner(overrides: DeepPartial<TrainConfig> = {}): { learner: QLearner; config: TrainConfig } {
  const config = resolveConfig(
    'default',
    { agent: { hidden: 16 }, mixer: { embed: 8, hypernetEmbed: 16 }, batchSize: 4 },
    overrides,
  );
  const rng = new Rng(config.seed);
  const learner = new QLearner(
    config,
    agentArchitecture(FAKE_INFO, config.agent),
    { nAgents: FAKE_INFO.nAgents, stateShape: FAKE_INFO.stateShape },
    rng,
  );
  initMasks(learner.stores(), config.sparsity, rng);
  learner.updateTargets();
  return { learner, config };
}

/** Four fake episodes of lengths 4, 2, 3, 1 in one padded batch. */
export function fakeBatch(): EpisodeBatch {
  return makeBatch([fakeEpisode(4, 1), fakeEpisode(2, 2), fakeEpisode(3, 3), fakeEpisode(1, 4)], FAKE_INFO);
}

/**
 * Fake episodes of `lengths` steps with random actions among the available ones (so every action's Q
 * is chosen somewhere), batched.
 */
export function randomActionBatch(seed: number, lengths: number[] = [4, 2, 3, 1]): EpisodeBatch {
  const rng = new Rng(seed);
  const { nAgents: n, nActions: a } = FAKE_INFO;
  const episodes = lengths.map((length, k) => {
    const e = fakeEpisode(length, seed * 10 + k);
    for (let t = 0; t < length; t++)
      for (let i = 0; i < n; i++) {
        const options = Array.from({ length: a }, (_, x) => x).filter((x) => e.avail[(t * n + i) * a + x]);
        e.actions[t * n + i] = options[Math.floor(rng.next() * options.length)]!;
      }
    return e;
  });
  return makeBatch(episodes, FAKE_INFO);
}
