/**
 * SMAClite's movement rules in the combat port: ORCA collision avoidance (units standing still never
 * move, moving units give way), static obstacles from the terrain, attack orders kept on a dead
 * target, no path-finding by default; and whole episodes replayed against traces recorded from
 * SMAClite itself (test/fixtures/envs/smaclite-traces.json, made by the fidelity harness).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { World } from '../../src/envs/smaclite/world.js';
import { MAPS, TERRAINS, walkable, type CombatMap, type TerrainRows } from '../../src/envs/smaclite/maps.js';
import { Navigator } from '../../src/envs/smaclite/navigation.js';
import { obstaclesFromTerrain } from '../../src/envs/smaclite/obstacles.js';
import { SmacliteEnv } from '../../src/envs/smaclite/env.js';
import { makeEnv } from '../../src/envs/registry.js';
import { Rng } from '../../src/util/rng.js';
import type { Unit } from '../../src/envs/smaclite/unit.js';

const open = (groups: CombatMap['groups'], terrain = TERRAINS.all_green!): CombatMap => ({
  groups,
  attackPoint: [16, 16],
  terrain,
  episodeLimit: 100,
  unitTypes: [],
});

test("all_green: a 26×26 interior inside a blocked ring two cells wide (SMAClite's all_green.slt)", () => {
  const t = TERRAINS.all_green!;
  let interior = 0;
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++) if (walkable(t, x + 0.5, y + 0.5) && x >= 3 && x < 29 && y >= 3 && y < 29) interior++;
  assert.equal(interior, 26 * 26);
  for (const [x, y] of [
    [1.5, 16],
    [2.5, 16],
    [29.5, 16],
    [16, 1.5],
    [16, 30.5],
  ] as const)
    assert.equal(walkable(t, x, y), false, `(${x}, ${y}) is blocked`);
  assert.equal(walkable(t, 0.5, 16), true, 'the outer rim is walkable (and unreachable)');
  // SMAClite merges the ring into four rectangles, bottom row first
  assert.deepEqual(
    obstaclesFromTerrain(t).map((o) => [o.x, o.y, o.width, o.height]),
    [
      [1, 1, 30, 2],
      [1, 3, 2, 28],
      [29, 3, 2, 28],
      [3, 29, 28, 2],
    ],
  );
});

test('a unit standing still is never moved: a marine walking into a stopped one goes round it', () => {
  const world = new World(
    open([
      { faction: 'ally', x: 10, y: 16, units: [['marine', 1]] },
      { faction: 'ally', x: 14, y: 16, units: [['marine', 1]] },
      { faction: 'enemy', x: 27, y: 27, units: [['spine_crawler', 1]] },
    ]),
    new Rng(1),
  );
  const [walker, still] = world.allies as [
    NonNullable<(typeof world.allies)[0]>,
    NonNullable<(typeof world.allies)[1]>,
  ];
  still.command = { kind: 'stop' };
  walker.command = { kind: 'move', x: 18, y: 16 };
  const [sx, sy] = [still.x, still.y];
  let closest = Infinity;
  for (let k = 0; k < 40; k++) {
    world.tick();
    closest = Math.min(closest, walker.distanceTo(still));
  }
  assert.deepEqual([still.x, still.y], [sx, sy], 'the stopped marine did not move');
  assert.ok(closest >= walker.radius + still.radius - 1e-3, `no overlap (closest ${closest})`);
  assert.ok(walker.x > still.x, `the walker got past (x ${walker.x})`);
});

test('two marines walking at each other give way to opposite sides, pass, and end apart', () => {
  // 0.2 off a head-on line: exactly head-on, ORCA's symmetric deadlock (in SMAClite too) stops both
  const world = new World(
    open([
      { faction: 'ally', x: 10, y: 16, units: [['marine', 1]] },
      { faction: 'ally', x: 20, y: 16.2, units: [['marine', 1]] },
      { faction: 'enemy', x: 27, y: 27, units: [['spine_crawler', 1]] },
    ]),
    new Rng(1),
  );
  const [a, b] = world.allies as [NonNullable<(typeof world.allies)[0]>, NonNullable<(typeof world.allies)[1]>];
  a.command = { kind: 'move', x: 20, y: 16 };
  b.command = { kind: 'move', x: 10, y: 16.2 };
  let [lowA, highB] = [16, 16.2];
  for (let k = 0; k < 56; k++) {
    world.tick();
    [lowA, highB] = [Math.min(lowA, a.y), Math.max(highB, b.y)];
  }
  assert.ok(a.x > 19 && b.x < 11, `they passed (${a.x}, ${b.x})`);
  assert.ok(lowA < 15.9 && highB > 16.3, `each stepped aside, a down to ${lowA}, b up to ${highB}`);
  assert.ok(a.distanceTo(b) >= a.radius + b.radius, 'and ended apart');
});

test('an attack order is kept on a dead target: the unit fires at the corpse and spends its cooldown', () => {
  const world = new World(
    open([
      { faction: 'ally', x: 10, y: 16, units: [['marine', 1]] },
      { faction: 'enemy', x: 14, y: 16, units: [['marine', 1]] },
    ]),
    new Rng(1),
  );
  const [ally, enemy] = [world.allies[0]!, world.enemies[0]!];
  ally.hp = 1e6;
  enemy.hp = 1; // dies to the first volley
  ally.command = { kind: 'attack', target: enemy };
  world.tick();
  assert.equal(enemy.alive, false);
  ally.cooldown = 0;
  world.tick();
  assert.ok(ally.cooldown > 0, "it fired again, at the corpse (SMAClite's AttackUnitCommand)");
  assert.equal(ally.target, null, "a dead unit is nobody's target");
});

test('no path-finding by default (SMAClite): a unit whose goal lies behind a wall stalls; the option routes it round', () => {
  const run = (pathfinding: boolean): number => {
    // ravine: lanes below and above a wall at y = 12 that is open only at both ends
    const env = new SmacliteEnv(
      'smaclite/ravine-test',
      open(
        [
          { faction: 'ally', x: 16, y: 10.5, units: [['marine', 1]] },
          { faction: 'enemy', x: 28, y: 28, units: [['spine_crawler', 1]] },
        ],
        TERRAINS.ravine,
      ),
      { pathfinding },
    );
    env.reset(0);
    const m = env.battlefield.allies[0]!;
    for (let k = 0; k < 24; k++) {
      m.command = { kind: 'move', x: 16, y: 15 };
      env.battlefield.tick();
    }
    for (let k = 0; k < 160; k++) env.battlefield.tick();
    return m.y;
  };
  assert.ok(run(false) < 12, 'without path-finding the marine stays below the wall');
  assert.ok(run(true) > 13, 'with path-finding it walks round the wall');
});

test('path-finding does not cut corners: two rooms that touch only at a corner are not connected', () => {
  // room A: cells x 0–4, y 0–4; room B: cells x 5–9, y 5–9; they meet only at the point (5, 5)
  const rooms: TerrainRows = [
    { y0: 0, y1: 5, x: [[0, 5]] },
    { y0: 5, y1: 10, x: [[5, 10]] },
  ];
  const nav = new Navigator(rooms);
  assert.deepEqual(nav.waypoint(4.5, 4.5, 8.5, 6.5), [8.5, 6.5], 'no route from A: head for the goal (and stall)');
  // one more open cell, (5, 4), joins them: the route goes through it, not diagonally into (5, 5)
  const joined = new Navigator([...rooms, { y0: 4, y1: 5, x: [[5, 6]] }]);
  assert.deepEqual(joined.waypoint(4.5, 4.5, 5.5, 9.5), [5.5, 4.5]);
});

interface TraceStep {
  actions: number[];
  reward: number;
  done: boolean;
  won: boolean;
  ids: number[];
  x: number[];
  y: number[];
  hp: number[];
  /** Each tick's acting order (unit ids): SMAClite's shuffle, replayed. */
  orders: number[][];
}

test('whole episodes agree with traces recorded from SMAClite: positions, hit points, rewards and ends at every step', () => {
  const file = join(process.cwd(), 'test', 'fixtures', 'envs', 'smaclite-traces.json');
  const { episodes } = JSON.parse(readFileSync(file, 'utf8')) as {
    episodes: Array<{ task: string; seed: number; steps: TraceStep[] }>;
  };
  for (const ep of episodes) {
    const orders = ep.steps.flatMap((s) => s.orders);
    let tick = 0;
    const order = (units: readonly Unit[]): Unit[] => orders[tick++]!.map((id) => units.find((u) => u.id === id)!);
    const env = new SmacliteEnv(ep.task, MAPS[ep.task.slice('smaclite/'.length)]!, { order });
    env.reset(ep.seed);
    ep.steps.forEach((s, t) => {
      const units = env.battlefield.units.filter((u) => u.alive);
      assert.deepEqual(
        units.map((u) => u.id),
        s.ids,
        `${ep.task} step ${t}: living units`,
      );
      units.forEach((u, i) => {
        assert.ok(
          Math.abs(u.x - s.x[i]!) <= 1e-5 && Math.abs(u.y - s.y[i]!) <= 1e-5,
          `${ep.task} step ${t} unit ${u.id}: (${u.x}, ${u.y}) vs SMAClite (${s.x[i]}, ${s.y[i]})`,
        );
        assert.ok(Math.abs(u.hp - s.hp[i]!) <= 1e-4, `${ep.task} step ${t} unit ${u.id}: hp ${u.hp} vs ${s.hp[i]}`);
      });
      const r = env.step(s.actions);
      assert.ok(Math.abs(r.reward - s.reward) <= 1e-6, `${ep.task} step ${t}: reward ${r.reward} vs ${s.reward}`);
      assert.equal(r.terminated, s.done, `${ep.task} step ${t}: end`);
      assert.equal(r.info.won, s.won);
    });
  }
});

test('the listed maps still run whole random episodes', () => {
  for (const name of Object.keys(MAPS)) {
    const env = makeEnv(`smaclite/${name}`);
    env.reset(3);
    const rng = new Rng(3);
    for (let t = 0; ; t++) {
      const actions = env.getAvailActions().map((m) => {
        const ok = [...m.keys()].filter((k) => m[k]);
        return ok[rng.int(ok.length)]!;
      });
      const r = env.step(actions);
      assert.ok(Number.isFinite(r.reward), `${name}: finite reward`);
      const units = (env as SmacliteEnv).battlefield.units;
      assert.ok(
        units.every((u) => Number.isFinite(u.x) && Number.isFinite(u.y)),
        `${name} step ${t}: finite positions`,
      );
      if (r.terminated || r.truncated) break;
    }
  }
});
