/**
 * The PyTorch reference learner (bench/reference/) trains on a Python port of `lbf.ts`; its findings
 * only count if the port is the same environment. Episodes played here by a scripted forager are
 * replayed there from the same layouts and compared step by step (observations, rewards, ends).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { LbfEnv, parseLbfId } from '../../src/envs/lbf.js';
import { Rng } from '../../src/util/rng.js';
import { PYTHON, REFERENCE, SKIP_WITHOUT_NUMPY } from './reference-python.js';

/** Walk to the nearest item and load when next to one; a quarter of the actions random. */
function forage(env: LbfEnv, rng: Rng): number[] {
  const { players, food } = env.snapshot();
  return players.map((p) => {
    const dist = (f: { row: number; col: number }): number => Math.abs(f.row - p.row) + Math.abs(f.col - p.col);
    if (rng.next() < 0.25 || food.length === 0) return rng.int(6);
    if (food.some((f) => dist(f) === 1)) return 5;
    const f = food.reduce((a, b) => (dist(a) <= dist(b) ? a : b));
    if (f.row < p.row) return 1;
    if (f.row > p.row) return 2;
    return f.col < p.col ? 3 : 4;
  });
}

test(
  'the reference port of lbf/8x8-2p-2f-coop replays our episodes step for step',
  { skip: SKIP_WITHOUT_NUMPY },
  () => {
    const id = 'lbf/8x8-2p-2f-coop';
    const env = new LbfEnv(id, parseLbfId(id)!);
    const rng = new Rng(3);
    const episodes = [];
    let bothItems = 0;
    for (let e = 0; e < 400; e++) {
      env.reset(500 + e);
      const layout = env.snapshot();
      const steps = [];
      let items = 0;
      for (;;) {
        const obs = env.getObs().map((o) => [...o]);
        const actions = forage(env, rng);
        const r = env.step(actions);
        if (r.reward > 0) items += 1;
        steps.push({ obs, actions, reward: r.reward, terminated: r.terminated, truncated: r.truncated });
        if (r.terminated || r.truncated) break;
      }
      if (items === 2) bothItems += 1;
      episodes.push({ layout, steps, finalObs: env.getObs().map((o) => [...o]) });
    }
    assert.ok(bothItems >= 40, `only ${bothItems} of 400 scripted episodes collected both items`);
    const input = JSON.stringify({ size: 8, players: 2, food: 2, coop: true, episodes });
    const run = spawnSync(PYTHON, ['replay_trace.py'], { cwd: REFERENCE, input, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as {
      episodes: number;
      steps: number;
      mismatches: number;
      first: string | null;
    };
    assert.equal(result.episodes, 400);
    assert.equal(
      result.steps,
      episodes.reduce((a, e) => a + e.steps.length, 0),
    );
    assert.equal(result.mismatches, 0, `first mismatch: ${result.first}`);
  },
);
