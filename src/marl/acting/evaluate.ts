/** Greedy evaluation of a tfjs agent: the test phase of training and the reference side of parity checks. */
import type { Rng } from '../../util/rng.js';
import type { MultiAgentEnv } from '../../envs/types.js';
import type { AgentController } from './controller.js';
import { runEpisode } from './runner.js';
import { meanStd } from '../../util/stats.js';

/** Summary of greedy episodes. */
export interface GreedyResult {
  returns: number[];
  returnMean: number;
  returnStd: number;
  /** Fraction of episodes won; null where the environment has no notion of winning. */
  winRate: number | null;
}

// meanStd lives with the other plain statistics (src/util/stats.ts), free of tfjs
export { meanStd };

/** Play `episodes` greedy episodes, each from a seed drawn from `seeds`. */
export function evaluateGreedy(
  env: MultiAgentEnv,
  controller: AgentController,
  episodes: number,
  seeds: Rng,
): GreedyResult {
  const returns: number[] = [];
  let wins = 0;
  for (let i = 0; i < episodes; i++) {
    const r = runEpisode(env, controller, seeds.seed(), 0, seeds);
    returns.push(r.return);
    if (r.won) wins += 1;
  }
  const { mean, std } = meanStd(returns);
  return {
    returns,
    returnMean: mean,
    returnStd: std,
    winRate: env.getEnvInfo().reportsWins ? wins / Math.max(1, episodes) : null,
  };
}
