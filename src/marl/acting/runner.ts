/** Running one episode of an environment with the controller (pymarl's EpisodeRunner). */
import type { Rng } from '../../util/rng.js';
import type { MultiAgentEnv } from '../../envs/types.js';
import { selectActions, type EpisodeController } from './select-actions.js';
import type { Episode } from '../replay/episode.js';

/** The outcome of an episode. */
export interface EpisodeResult {
  episode: Episode;
  /** Undiscounted sum of rewards. */
  return: number;
  /** Whether the env reported a win at the end; null for environments without the notion. */
  won: boolean | null;
}

/**
 * Play one episode from `reset(seed)`, acting ε-greedily (ε = 0 for greedy test episodes).
 * `rng` drives exploration only; the environment's randomness comes from `seed`.
 */
export function runEpisode(
  env: MultiAgentEnv,
  controller: EpisodeController,
  seed: number,
  epsilon: number,
  rng: Rng,
): EpisodeResult {
  const info = env.getEnvInfo();
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s, episodeLimit: limit } = info;
  const obs = new Float32Array((limit + 1) * n * o);
  const state = new Float32Array((limit + 1) * s);
  const avail = new Uint8Array((limit + 1) * n * a);
  const actions = new Int32Array(limit * n);
  const reward = new Float32Array(limit);
  const terminated = new Uint8Array(limit);

  env.reset(seed);
  controller.reset();
  let t = 0;
  let total = 0;
  let won: boolean | null = null;
  for (;;) {
    const o_t = env.getObs();
    const av_t = env.getAvailActions();
    o_t.forEach((v, i) => obs.set(v, (t * n + i) * o));
    state.set(env.getState(), t * s);
    av_t.forEach((v, i) => avail.set(v, (t * n + i) * a));
    if (t === limit) break; // bootstrap step of a truncated episode
    const q = controller.qValues(o_t);
    const chosen = selectActions(q, av_t, epsilon, rng);
    controller.recordActions(chosen);
    actions.set(chosen, t * n);
    const step = env.step(chosen);
    reward[t] = step.reward;
    total += step.reward;
    if (step.info.won !== undefined) won = step.info.won;
    t += 1;
    if (step.terminated) {
      terminated[t - 1] = 1;
    }
    if (step.terminated || step.truncated) {
      // record the final observation/state as the bootstrap step (masked by `terminated`)
      env.getObs().forEach((v, i) => obs.set(v, (t * n + i) * o));
      state.set(env.getState(), t * s);
      env.getAvailActions().forEach((v, i) => avail.set(v, (t * n + i) * a));
      break;
    }
  }
  const episode: Episode = {
    length: t,
    obs: obs.slice(0, (t + 1) * n * o),
    state: state.slice(0, (t + 1) * s),
    avail: avail.slice(0, (t + 1) * n * a),
    actions: actions.slice(0, t * n),
    reward: reward.slice(0, t),
    terminated: terminated.slice(0, t),
  };
  return { episode, return: total, won };
}
