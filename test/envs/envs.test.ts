import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENV_IDS, listEnvs, makeEnv } from '../../src/envs/registry.js';
import { RecallEnv } from '../../src/envs/recall.js';
import { ShapeError, ToolkitError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../src/util/rng.js';
import type { MultiAgentEnv } from '../../src/envs/types.js';

/** Play a seeded episode with random available actions; returns the trajectory for comparison. */
function rollout(
  env: MultiAgentEnv,
  seed: number,
): { obs: number[][]; rewards: number[]; steps: number; ended: boolean; wonReported: boolean } {
  const rng = new Rng(seed);
  env.reset(seed);
  const out = { obs: [] as number[][], rewards: [] as number[], steps: 0, ended: false, wonReported: false };
  const info = env.getEnvInfo();
  for (let t = 0; t < info.episodeLimit; t++) {
    const avail = env.getAvailActions();
    out.obs.push(env.getObs().flatMap((o) => Array.from(o)));
    const actions = avail.map((av) => {
      const ok = [...av.keys()].filter((a) => av[a] === 1);
      return ok[rng.int(ok.length)]!;
    });
    const r = env.step(actions);
    out.rewards.push(r.reward);
    out.wonReported ||= r.info.won !== undefined;
    out.steps++;
    if (r.terminated || r.truncated) {
      out.ended = true;
      break;
    }
  }
  return out;
}

for (const id of ENV_IDS) {
  test(`${id}: the interface contract`, () => {
    const env = makeEnv(id);
    assert.equal(env.id, id);
    const info = env.getEnvInfo();
    assert.throws(
      () => env.step(new Array(info.nAgents).fill(0)),
      (e: unknown) => e instanceof ToolkitError && e.code === 'E_ENV' && /reset/.test(e.message),
    );
    env.reset(3);
    assert.equal(env.getObs().length, info.nAgents);
    env.getObs().forEach((o) => assert.equal(o.length, info.obsShape));
    assert.equal(env.getState().length, info.stateShape);
    env.getAvailActions().forEach((a) => assert.equal(a.length, info.nActions));
    assert.throws(() => env.step([0]), ShapeError);
    const first = rollout(env, 11);
    assert.ok(first.ended && first.steps <= info.episodeLimit, 'ends within the limit');
    assert.equal(first.wonReported, info.reportsWins, 'info.won is reported exactly where getEnvInfo says so');
    assert.throws(() => env.step(new Array(info.nAgents).fill(0)), /no running episode/);
    assert.deepEqual(rollout(makeEnv(id), 11), first, 'same seed, same trajectory');
  });
}

test('matrix/nonmonotonic pays the payoff table', () => {
  const env = makeEnv('matrix/nonmonotonic');
  const payoff = [
    [8, -12, -12],
    [-12, 0, 0],
    [-12, 0, 0],
  ];
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      env.reset(0);
      const r = env.step([a, b]);
      assert.equal(r.reward, payoff[a]![b]);
      assert.equal(r.terminated, true);
    }
  }
});

test('twostep: 7 through 2A whatever the second actions; [[0,1],[1,8]] through 2B', () => {
  const env = makeEnv('twostep');
  const play = (first: number, a: number, b: number) => {
    env.reset(0);
    assert.equal(env.step([first, 0]).reward, 0);
    return env.step([a, b]).reward;
  };
  assert.deepEqual([play(0, 0, 0), play(0, 0, 1), play(0, 1, 0), play(0, 1, 1)], [7, 7, 7, 7]);
  assert.deepEqual([play(1, 0, 0), play(1, 0, 1), play(1, 1, 0), play(1, 1, 1)], [0, 1, 1, 8]);
});

test('recall: cue only at t = 0, wait-then-report availability, a remembering policy always wins', () => {
  const env = new RecallEnv();
  let wins = 0;
  for (let seed = 0; seed < 50; seed++) {
    env.reset(seed);
    const cues = env.getObs().map((o) => Array.from(o.slice(0, 3)).indexOf(1));
    assert.ok(cues.every((c) => c >= 0));
    for (let t = 0; t < 3; t++) {
      if (t > 0)
        assert.ok(
          env.getObs().every((o) => o.slice(0, 3).every((x) => x === 0)),
          'cue hidden after t = 0',
        );
      assert.ok(env.getAvailActions().every((a) => a[0] === 1 && a.slice(1).every((x) => x === 0)));
      assert.throws(() => env.step([1, 1, 1]), /not available/);
      env.step([0, 0, 0]);
    }
    assert.ok(env.getAvailActions().every((a) => a[0] === 0 && a.slice(1).every((x) => x === 1)));
    const r = env.step(cues.map((c) => c + 1));
    assert.equal(r.reward, 1);
    assert.equal(r.info.won, true);
    wins++;
  }
  assert.equal(wins, 50);
});

test('recall: a memoryless policy (always cue 0) wins about (1/3)^3 of episodes', () => {
  const env = new RecallEnv();
  let wins = 0;
  const n = 2000;
  for (let seed = 0; seed < n; seed++) {
    env.reset(seed);
    for (let t = 0; t < 3; t++) env.step([0, 0, 0]);
    wins += env.step([1, 1, 1]).reward;
  }
  assert.ok(Math.abs(wins / n - 1 / 27) < 0.015, `win rate ${wins / n}`);
});

test('unknown ids and bad sizes are rejected with the fix named', () => {
  assert.throws(
    () => makeEnv('smac/3m'),
    (e: unknown) =>
      e instanceof UnknownNameError &&
      /expected one of 'matrix\/nonmonotonic', 'twostep', 'recall'/.test(e.message) &&
      /mast envs/.test(e.message),
  );
  assert.throws(() => new RecallEnv('r', { cues: 1 }), /cues must be an integer ≥ 2, got 1/);
  assert.deepEqual(
    listEnvs().map((e) => e.id),
    [...ENV_IDS],
  );
  assert.deepEqual(
    listEnvs()
      .filter((e) => e.info.reportsWins)
      .map((e) => e.id.split('/')[0])
      .filter((f, i, all) => all.indexOf(f) === i),
    ['recall', 'smaclite'],
    'only recall and combat are won or lost',
  );
});
