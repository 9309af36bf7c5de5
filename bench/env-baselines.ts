/**
 * Baseline figures for docs/envs.md: per environment, the scripted policy (combat maps:
 * focus fire) and a uniformly random policy over available actions: win rate, mean return and mean
 * episode length over seeded episodes, plus environment steps per second under the random policy.
 *
 *   node dist/bench/env-baselines.js [--episodes 20] [--json]
 */
import { parseArgs } from 'node:util';
import { ENV_IDS, makeEnv } from '../src/envs/registry.js';
import type { MultiAgentEnv } from '../src/envs/types.js';
import { SmacliteEnv } from '../src/envs/smaclite/env.js';
import { focusFire } from '../src/envs/smaclite/scripted.js';
import { Rng } from '../src/util/rng.js';
import { formatTable } from '../cli/table.js';

const { values } = parseArgs({
  options: {
    episodes: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const episodes = Number(values.episodes);

type Policy = (env: MultiAgentEnv) => number[];

function play(
  id: string,
  policy: Policy,
): { winRate: number | null; meanReturn: number; meanLength: number; stepsPerSec: number } {
  const env = makeEnv(id);
  let [wins, total, steps, sawWin] = [0, 0, 0, false];
  const t0 = performance.now();
  for (let seed = 0; seed < episodes; seed++) {
    env.reset(seed);
    for (;;) {
      const r = env.step(policy(env));
      total += r.reward;
      steps += 1;
      if (r.info.won !== undefined) sawWin = true;
      if (r.terminated || r.truncated) {
        wins += Number(r.info.won === true);
        break;
      }
    }
  }
  return {
    winRate: sawWin ? wins / episodes : null,
    meanReturn: total / episodes,
    meanLength: steps / episodes,
    stepsPerSec: (steps * 1000) / (performance.now() - t0),
  };
}

const rng = new Rng(7);
const random: Policy = (env) =>
  env.getAvailActions().map((m) => {
    const ok = [...m.keys()].filter((k) => m[k] === 1);
    return ok[rng.int(ok.length)] as number;
  });

const rows: Array<Record<string, unknown>> = [];
for (const id of ENV_IDS.filter((e) => !values.only || e.startsWith(values.only))) {
  const r = play(id, random);
  rows.push({ id, policy: 'random', ...r });
  if (makeEnv(id) instanceof SmacliteEnv)
    rows.push({ id, policy: 'focus-fire', ...play(id, (env) => focusFire(env as SmacliteEnv)) });
}
if (values.json) {
  console.log(JSON.stringify(rows));
} else {
  console.log(`${episodes} episodes per row (seeds 0..${episodes - 1})`);
  const fmt = (v: unknown, d: number): string => (typeof v === 'number' ? v.toFixed(d) : '—');
  for (const line of formatTable(
    ['env', 'policy', 'win rate', 'return', 'length', 'steps/s'],
    rows.map((r) => [
      String(r.id),
      String(r.policy),
      r.winRate === null ? '—' : fmt(r.winRate, 2),
      fmt(r.meanReturn, 3),
      fmt(r.meanLength, 1),
      fmt(r.stepsPerSec, 0),
    ]),
  ))
    console.log(line);
}
