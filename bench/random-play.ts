/** Stepping an environment under a uniformly random policy over its available actions: the benches' measure of environment speed. */
import type { MultiAgentEnv } from '../src/envs/types.js';
import { Rng } from '../src/util/rng.js';

/** Steps per second of `env` (observations, state and masks read every step) over at least `steps` steps, and the mean episode length. */
export function randomPolicySpeed(env: MultiAgentEnv, steps: number): { stepsPerSec: number; episodeLength: number } {
  const rng = new Rng(3);
  let done = 0;
  let episodes = 0;
  const t0 = performance.now();
  while (done < steps) {
    env.reset(rng.seed());
    episodes++;
    for (;;) {
      env.getObs();
      env.getState();
      const actions = env.getAvailActions().map((av) => {
        const ok = [...av.keys()].filter((a) => av[a] === 1);
        return ok[rng.int(ok.length)] as number;
      });
      const r = env.step(actions);
      done++;
      if (r.terminated || r.truncated) break;
    }
  }
  return { stepsPerSec: (done * 1000) / (performance.now() - t0), episodeLength: done / episodes };
}
