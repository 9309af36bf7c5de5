/**
 * The chance level of an environment: a policy that picks a uniformly random available action for
 * every agent, played on the same seeded episodes `mast eval` plays (episode seeds drawn from
 * `new Rng(seed)` in the same order), so a trained agent's return can be read against it.
 */
import type { MultiAgentEnv } from '../envs/types.js';
import { Rng } from '../util/rng.js';
import { meanStd } from '../util/stats.js';

/** What the random policy achieved. */
export interface RandomBaseline {
  episodes: number;
  meanReturn: number;
  returnStd: number;
  /** Fraction of episodes won where the environment reports wins, otherwise null. */
  winRate: number | null;
}

/**
 * Play `episodes` episodes of `env` with uniformly random available actions.
 * @param seed the evaluation seed: episode seeds come from `new Rng(seed)` as in `evaluateOnnxAgent`;
 *   the actions from a separate stream split off `new Rng(seed + 1)`, so the two never share draws.
 */
export function randomBaseline(env: MultiAgentEnv, episodes: number, seed: number): RandomBaseline {
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new RangeError(`episodes must be a positive integer, got ${episodes}`);
  const { nAgents, episodeLimit, reportsWins } = env.getEnvInfo();
  const seeds = new Rng(seed);
  const act = new Rng(seed + 1).split();
  const returns: number[] = [];
  let wins = 0;
  for (let e = 0; e < episodes; e++) {
    env.reset(seeds.seed());
    let total = 0;
    for (let t = 0; t < episodeLimit; t++) {
      const avail = env.getAvailActions();
      const actions: number[] = [];
      for (let i = 0; i < nAgents; i++) {
        const allowed = [...(avail[i] as Uint8Array)].flatMap((ok, k) => (ok ? [k] : []));
        actions.push(allowed[act.int(allowed.length)] as number);
      }
      const step = env.step(actions);
      total += step.reward;
      if (step.info.won === true) wins += 1;
      if (step.terminated || step.truncated) break;
    }
    returns.push(total);
  }
  const { mean, std } = meanStd(returns);
  return { episodes, meanReturn: mean, returnStd: std, winRate: reportsWins ? wins / episodes : null };
}
