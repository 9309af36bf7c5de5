/** Level-Based Foraging: the lbforaging rules, worked on hand-placed layouts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LbfEnv, parseLbfId, type LbfOptions } from '../../src/envs/lbf.js';
import { ENV_IDS, listEnvs, makeEnv } from '../../src/envs/registry.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';

const [NONE, NORTH, SOUTH, WEST, EAST, LOAD] = [0, 1, 2, 3, 4, 5];

function env(overrides: Partial<LbfOptions> = {}): LbfEnv {
  return new LbfEnv('lbf/test', { ...parseLbfId('lbf/8x8-2p-2f')!, ...overrides });
}

test('ids follow lbforaging’s names, with sight and coop', () => {
  assert.deepEqual(parseLbfId('lbf/8x8-2p-2f-coop'), {
    size: 8,
    players: 2,
    maxFood: 2,
    sight: 8,
    forceCoop: true,
    maxPlayerLevel: 2,
    rules: 'v3',
    episodeLimit: 50,
  });
  assert.equal(parseLbfId('lbf/8x8-2p-2f-coop-v2')!.rules, 'v2');
  assert.equal(parseLbfId('lbf/2s-10x10-3p-3f')!.sight, 2);
  assert.equal(parseLbfId('lbf/10x10-3p-3f')!.forceCoop, false);
  assert.equal(parseLbfId('mpe/spread-3'), null);
  assert.throws(
    () => makeEnv('lbf/8x9-2p-2f'),
    (e: unknown) => e instanceof ConfigError && /square/.test(e.message),
  );
  assert.throws(() => makeEnv('lbf/3x3-9p-2f'), /do not fit/);
});

test('loading: the adjacent loaders succeed together when their levels add up; rewards sum to 1 over the episode', () => {
  const e = env();
  // food level 3 at (3,3); player A level 1 west of it, player B level 2 north of it; a second food level 1 far away
  e.setLayout(
    [
      { row: 3, col: 2, level: 1 },
      { row: 2, col: 3, level: 2 },
    ],
    [
      { row: 3, col: 3, level: 3 },
      { row: 6, col: 6, level: 1 },
    ],
  );
  let r = e.step([LOAD, NONE]); // 1 < 3: fails
  assert.equal(r.reward, 0);
  r = e.step([NONE, LOAD]); // 2 < 3: fails
  assert.equal(r.reward, 0);
  r = e.step([LOAD, LOAD]); // 1 + 2 ≥ 3: A earns 1·3/(3·4), B 2·3/(3·4); food spawned Σ = 4
  assert.ok(Math.abs(r.reward - 0.75) < 1e-12, `${r.reward}`);
  assert.equal(r.terminated, false);
  assert.deepEqual(e.snapshot().food, [{ row: 6, col: 6, level: 1 }]);
  // walk A (level 1) next to the last food and load it alone: 1·1/(1·4)
  e.setLayout(
    [
      { row: 6, col: 5, level: 1 },
      { row: 0, col: 0, level: 2 },
    ],
    [{ row: 6, col: 6, level: 1 }],
  );
  r = e.step([LOAD, NONE]);
  assert.equal(r.reward, 1, 'a single food collected by a lone loader is the whole return');
  assert.equal(r.terminated, true);
});

test('moves fail into food, off the grid and when two players claim one cell; swaps and chains go through', () => {
  const e = env();
  e.setLayout(
    [
      { row: 0, col: 0, level: 1 },
      { row: 0, col: 2, level: 1 },
    ],
    [{ row: 1, col: 1, level: 1 }],
  );
  e.step([NORTH, EAST]); // A off the grid (stays), B moves east
  assert.deepEqual(
    e.snapshot().players.map((p) => [p.row, p.col]),
    [
      [0, 0],
      [0, 3],
    ],
  );
  e.setLayout(
    [
      { row: 0, col: 1, level: 1 },
      { row: 1, col: 2, level: 1 },
    ],
    [{ row: 1, col: 1, level: 1 }],
  );
  e.step([SOUTH, WEST]); // both into the food cell: invalid → NONE
  assert.deepEqual(
    e.snapshot().players.map((p) => [p.row, p.col]),
    [
      [0, 1],
      [1, 2],
    ],
  );
  e.setLayout(
    [
      { row: 4, col: 3, level: 1 },
      { row: 4, col: 5, level: 1 },
    ],
    [{ row: 1, col: 1, level: 1 }],
  );
  e.step([EAST, WEST]); // both claim (4,4): neither moves
  assert.deepEqual(
    e.snapshot().players.map((p) => [p.row, p.col]),
    [
      [4, 3],
      [4, 5],
    ],
  );
  e.setLayout(
    [
      { row: 4, col: 3, level: 1 },
      { row: 4, col: 4, level: 1 },
    ],
    [{ row: 1, col: 1, level: 1 }],
  );
  e.step([EAST, NONE]); // into a player who stays: both claim (4,4), nobody moves
  assert.deepEqual(
    e.snapshot().players.map((p) => [p.row, p.col]),
    [
      [4, 3],
      [4, 4],
    ],
  );
  e.step([EAST, WEST]); // a swap: distinct targets, both move
  assert.deepEqual(
    e.snapshot().players.map((p) => [p.row, p.col]),
    [
      [4, 4],
      [4, 3],
    ],
  );
});

test('observation: food slots (y, x, level) in the clipped window, players self first, −1/−1/0 when unseen', () => {
  const full = env();
  full.setLayout(
    [
      { row: 2, col: 3, level: 2 },
      { row: 5, col: 1, level: 3 },
    ],
    [{ row: 4, col: 4, level: 2 }],
  );
  const [a, b] = full.getObs();
  // sight 8 covers the grid; the window is clipped at 0, so every coordinate is absolute here
  assert.deepEqual(Array.from(a!), [4, 4, 2, -1, -1, 0, 2, 3, 2, 5, 1, 3]);
  assert.deepEqual(Array.from(b!), [4, 4, 2, -1, -1, 0, 5, 1, 3, 2, 3, 2]);
  const partial = env({ sight: 2 });
  partial.setLayout(
    [
      { row: 2, col: 3, level: 2 },
      { row: 6, col: 6, level: 1 },
    ],
    [{ row: 4, col: 4, level: 2 }],
  );
  const [p, q] = partial.getObs();
  // A's window rows 0..4, cols 1..5: food (4,4) → (4, 3); B is 4 rows away: unseen
  assert.deepEqual(Array.from(p!), [4, 3, 2, -1, -1, 0, 2, 2, 2, -1, -1, 0]);
  // B's window rows 4..7 (clipped), cols 4..7: food (4,4) → (0, 0); A unseen
  assert.deepEqual(Array.from(q!), [0, 0, 2, -1, -1, 0, 2, 2, 1, -1, -1, 0]);
  // lbforaging's visibility test is lopsided at the top/left edge: A at (0, 1) has window origin (0, 0),
  // so B at (4, 4) maps to (4, 4) ≤ 2·sight and is seen, while B (origin (2, 2)) maps A to (−2, −1): unseen
  partial.setLayout(
    [
      { row: 0, col: 1, level: 2 },
      { row: 4, col: 4, level: 1 },
    ],
    [{ row: 2, col: 5, level: 2 }],
  );
  const [edge, far] = partial.getObs();
  assert.deepEqual(Array.from(edge!.subarray(6)), [0, 1, 2, 4, 4, 1]);
  assert.deepEqual(Array.from(far!.subarray(6)), [2, 2, 1, -1, -1, 0]);
});

test('spawning: food off the border and never adjacent; -coop food needs every player; deterministic per seed', () => {
  const coop = makeEnv('lbf/8x8-2p-2f-coop') as LbfEnv;
  const free = makeEnv('lbf/15x15-4p-5f') as LbfEnv;
  for (let seed = 0; seed < 40; seed++) {
    coop.reset(seed);
    const s = coop.snapshot();
    const total = s.players.reduce((a, p) => a + p.level, 0);
    assert.equal(s.food.length, 2);
    for (const f of s.food) {
      assert.equal(f.level, total, 'coop food level = Σ player levels');
      assert.ok(f.row >= 1 && f.row <= 6 && f.col >= 1 && f.col <= 6, 'off the border');
    }
    const [f, g] = [s.food[0]!, s.food[1]!];
    assert.ok(Math.max(Math.abs(f.row - g.row), Math.abs(f.col - g.col)) > 1, 'not adjacent');
    free.reset(seed);
    const levels = free
      .snapshot()
      .players.map((p) => p.level)
      .sort((x, y) => x - y);
    for (const food of free.snapshot().food)
      assert.ok(
        food.level >= 1 && food.level <= levels[0]! + levels[1]! + levels[2]!,
        'free food up to the three lowest levels’ sum',
      );
  }
  coop.reset(7);
  const again = makeEnv('lbf/8x8-2p-2f-coop') as LbfEnv;
  again.reset(7);
  assert.deepEqual(again.snapshot(), coop.snapshot());
});

test('every action is available (invalid ones act as NONE); the episode is cut at 50 steps', () => {
  const e = makeEnv('lbf/8x8-2p-2f-coop');
  e.reset(1);
  assert.ok(e.getAvailActions().every((a) => a.every((x) => x === 1)));
  let last = e.step([LOAD, LOAD]); // no food adjacent (almost surely): a no-op
  for (let t = 1; t < 50; t++) last = e.step([NONE, NONE]);
  assert.equal(last.truncated, true);
  assert.equal(last.terminated, false);
});

test('levels follow lbforaging’s registration: players 1..2; food in [1, L] (v3) or [1, L) (-v2)', () => {
  // L = Σ of the three lowest player levels; lbforaging v3 draws integers(1, L + 1), v2 randint(1, L)
  for (const [id, top] of [
    ['lbf/10x10-3p-3f', true],
    ['lbf/10x10-3p-3f-v2', false],
  ] as const) {
    const e = makeEnv(id) as LbfEnv;
    const playerLevels = new Map<number, number>();
    let foods = 0;
    let atL = 0;
    for (let seed = 0; seed < 400; seed++) {
      e.reset(seed);
      const { players, food } = e.snapshot();
      for (const p of players) playerLevels.set(p.level, (playerLevels.get(p.level) ?? 0) + 1);
      const cap = players
        .map((p) => p.level)
        .sort((a, b) => a - b)
        .slice(0, 3)
        .reduce((a, b) => a + b, 0);
      for (const f of food) {
        assert.ok(f.level >= 1 && f.level <= cap, `${id}: food level ${f.level} outside [1, ${cap}]`);
        foods += 1;
        if (f.level === cap) atL += 1;
      }
    }
    assert.deepEqual([...playerLevels.keys()].sort(), [1, 2], `${id}: player levels ${[...playerLevels.keys()]}`);
    // 1200 fair draws: the share of level 2 lies within 0.5 ± 0.05 (over 3 standard deviations)
    assert.ok(
      Math.abs(playerLevels.get(2)! / 1200 - 0.5) < 0.05,
      `${id}: ${playerLevels.get(2)} of 1200 players at level 2`,
    );
    // L ranges over 3..6, so v3 puts between 1/6 and 1/3 of the items at L; v2 never
    if (top) assert.ok(atL / foods > 0.15 && atL / foods < 0.35, `${id}: ${atL} of ${foods} items at L`);
    else assert.equal(atL, 0, `${id}: ${atL} items at L`);
  }
});

test('mast envs lists lbf/8x8-2p-2f next to the other EPyMARL tasks, named after lbforaging’s v3 ids', () => {
  assert.ok(ENV_IDS.includes('lbf/8x8-2p-2f'));
  const described = new Map(listEnvs().map((e) => [e.id, e.description]));
  assert.match(described.get('lbf/2s-8x8-2p-2f-coop')!, /Foraging-2s-8x8-2p-2f-coop-v3\)/);
});

test('validActions: lbforaging’s validity (moves off the grid or into food, LOAD without food, are not)', () => {
  const e = env();
  e.setLayout(
    [
      { row: 0, col: 0, level: 1 },
      { row: 3, col: 2, level: 1 },
    ],
    [{ row: 3, col: 3, level: 2 }],
  );
  const [corner, beside] = e.validActions();
  // order none, north, south, west, east, load
  assert.deepEqual(Array.from(corner!), [1, 0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(beside!), [1, 1, 1, 1, 0, 1]);
});
