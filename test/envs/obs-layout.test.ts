/**
 * The observation layouts of docs/envs.md ("Observation layouts"), slot by slot, against each
 * environment's own positions and units: what an imported agent's observation vector must mean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEnv } from '../../src/envs/index.js';
import { LbfEnv } from '../../src/envs/lbf.js';
import { SpreadEnv } from '../../src/envs/mpe-spread.js';
import { SmacliteEnv } from '../../src/envs/smaclite/env.js';
import { RecallEnv } from '../../src/envs/recall.js';
import { Rng } from '../../src/util/rng.js';

/** Play `steps` random available actions. */
function wander(env: ReturnType<typeof makeEnv>, steps: number, rng: Rng): void {
  for (let t = 0; t < steps; t++) {
    env.step(
      env.getAvailActions().map((avail) => {
        const ok = [...avail.keys()].filter((a) => avail[a]);
        return ok[rng.int(ok.length)]!;
      }),
    );
  }
}

test('mpe/spread-N: own velocity, own position, landmarks then other agents relative to self, silent communication', () => {
  const n = 3;
  const env = makeEnv(`mpe/spread-${n}`) as SpreadEnv;
  env.reset(4);
  wander(env, 5, new Rng(1));
  const { pos, vel, landmarks } = env as unknown as { pos: Float64Array; vel: Float64Array; landmarks: Float64Array };
  const obs = env.getObs();
  assert.equal(obs[0]!.length, 4 + 2 * n + 4 * (n - 1));
  for (let i = 0; i < n; i++) {
    const o = obs[i]!;
    const near = (k: number, want: number) =>
      assert.ok(Math.abs(o[k]! - want) < 1e-6, `agent ${i} slot ${k}: ${o[k]} vs ${want}`);
    near(0, vel[2 * i]!);
    near(1, vel[2 * i + 1]!);
    near(2, pos[2 * i]!);
    near(3, pos[2 * i + 1]!);
    for (let l = 0; l < n; l++) {
      near(4 + 2 * l, landmarks[2 * l]! - pos[2 * i]!);
      near(5 + 2 * l, landmarks[2 * l + 1]! - pos[2 * i + 1]!);
    }
    const others = [...Array(n).keys()].filter((j) => j !== i);
    others.forEach((j, m) => {
      near(4 + 2 * n + 2 * m, pos[2 * j]! - pos[2 * i]!);
      near(5 + 2 * n + 2 * m, pos[2 * j + 1]! - pos[2 * i + 1]!);
    });
    assert.deepEqual([...o.slice(4 + 2 * n + 2 * (n - 1))], new Array(2 * (n - 1)).fill(0));
  }
});

test('lbf (full sight): F food slots in reading order, then the observer and the players it sees, (y, x, level), (−1, −1, 0) when empty', () => {
  const env = makeEnv('lbf/8x8-2p-2f-coop') as LbfEnv;
  const rng = new Rng(2);
  for (const seed of [1, 2, 3]) {
    env.reset(seed);
    wander(env, 3, rng);
    const { players, food } = env.snapshot();
    const F = env.options.maxFood;
    const foodSlots = [...food].sort((a, b) => a.row - b.row || a.col - b.col).map((f) => [f.row, f.col, f.level]);
    while (foodSlots.length < F) foodSlots.push([-1, -1, 0]);
    env.getObs().forEach((o, i) => {
      assert.equal(o.length, 3 * (F + players.length));
      const me = players[i]!;
      const seen = [me, ...players.filter((p) => p !== me)].map((p) => [p.row, p.col, p.level]);
      assert.deepEqual([...o], [...foodSlots, ...seen].flat(), `seed ${seed}, agent ${i}`);
    });
  }
});

test('smaclite/3m: move flags, enemies, other allies, own hp; lengths / 9; width 4 + 3·5 + 2·5 + 1', () => {
  const env = makeEnv('smaclite/3m') as SmacliteEnv;
  env.reset(3);
  wander(env, 6, new Rng(3));
  const { allies, enemies } = env.battlefield;
  const obs = env.getObs();
  const avail = env.getAvailActions();
  assert.equal(obs[0]!.length, 30);
  allies.forEach((me, i) => {
    const o = obs[i]!;
    if (!me.alive)
      return assert.ok(
        o.every((v) => v === 0),
        'a dead agent sees zeros',
      );
    assert.deepEqual([...o.slice(0, 4)], [...avail[i]!.slice(2, 6)], 'can move north, south, east, west');
    const row = (u: (typeof enemies)[number]) => [
      me.distanceTo(u) / 9,
      (u.x - me.x) / 9,
      (u.y - me.y) / 9,
      u.hp / u.stats.hp,
    ];
    const close = (got: ArrayLike<number>, want: number[], what: string) =>
      want.forEach((w, k) => assert.ok(Math.abs(got[k]! - w) < 1e-5, `${what}[${k}]: ${got[k]} vs ${w}`));
    enemies.forEach((u, j) => {
      const slot = o.slice(4 + 5 * j, 9 + 5 * j);
      if (!u.alive || me.distanceTo(u) >= 9)
        return assert.ok(
          slot.every((v) => v === 0),
          `enemy ${j} out of sight: zeros`,
        );
      close(slot, [avail[i]![6 + j]!, ...row(u)], `agent ${i} enemy ${j}`);
    });
    allies
      .filter((a) => a !== me)
      .forEach((u, m) => {
        const slot = o.slice(19 + 5 * m, 24 + 5 * m);
        if (!u.alive || me.distanceTo(u) >= 9) return assert.ok(slot.every((v) => v === 0));
        close(slot, [1, ...row(u)], `agent ${i} ally ${m}`);
      });
    close(o.slice(29), [me.hp / me.stats.hp], `agent ${i} own hp`);
  });
});

test('recall: own cue one-hot at t = 0 only, then the time one-hot', () => {
  const env = makeEnv('recall') as RecallEnv;
  env.reset(5);
  const cues = (env as unknown as { cues: number[] }).cues;
  const [k, len] = [env.k, env.length];
  env.getObs().forEach((o, i) =>
    assert.deepEqual(
      [...o],
      [...Array(k + len).keys()].map((x) => Number(x === cues[i] || x === k)),
    ),
  );
  env.step(env.getAvailActions().map((a) => a.indexOf(1)));
  env.getObs().forEach((o) =>
    assert.deepEqual(
      [...o],
      [...Array(k + len).keys()].map((x) => Number(x === k + 1)),
    ),
  );
});
