/**
 * SMAClite's maps in the port: sizes, unit order and starting positions, terrains, checked against what
 * SMAClite itself builds (test/fixtures/smaclite-reference.json, written by
 * bench/reference/fidelity/layouts.py from uoe-agents/smaclite); and the baneling's blast (splash.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV_IDS, makeEnv } from '../../src/envs/registry.js';
import { SmacliteEnv } from '../../src/envs/smaclite/env.js';
import { MAPS, TERRAINS, MAP_SIZE, walkable, type CombatMap } from '../../src/envs/smaclite/maps.js';
import { World } from '../../src/envs/smaclite/world.js';
import { explode } from '../../src/envs/smaclite/splash.js';
import { Unit } from '../../src/envs/smaclite/unit.js';
import { UNIT_TYPES } from '../../src/envs/smaclite/units.js';
import { Rng } from '../../src/util/rng.js';

interface ReferenceMap {
  n_agents: number;
  n_actions: number;
  obs_shape: number;
  state_shape: number;
  attack_point: [number, number];
  ally_has_shields: boolean;
  enemy_has_shields: boolean;
  unit_type_ids: Record<string, number>;
  terrain: string;
  allies: Array<[string, number, number]>;
  enemies: Array<[string, number, number]>;
}
const REFERENCE = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../test/fixtures/smaclite-reference.json', import.meta.url)), 'utf8'),
) as {
  maps: Record<string, ReferenceMap>;
  terrains: Record<string, string[]>;
};

test('every map SMAClite ships is registered and listed by `mast envs`', () => {
  for (const name of Object.keys(REFERENCE.maps)) {
    assert.ok(Object.prototype.hasOwnProperty.call(MAPS, name), `smaclite/${name} is missing`);
    assert.ok(ENV_IDS.includes(`smaclite/${name}`), `smaclite/${name} is not listed`);
  }
});

for (const [name, ref] of Object.entries(REFERENCE.maps)) {
  test(`smaclite/${name}: sizes, sides, unit order and starting positions are SMAClite's`, () => {
    const env = makeEnv(`smaclite/${name}`) as SmacliteEnv;
    const info = env.getEnvInfo();
    assert.deepEqual(
      [info.nAgents, info.nActions, info.obsShape, info.stateShape],
      [ref.n_agents, ref.n_actions, ref.obs_shape, ref.state_shape],
    );
    env.reset(0);
    assert.equal(env.getObs()[0]!.length, ref.obs_shape);
    assert.equal(env.getState().length, ref.state_shape);
    assert.equal(env.getAvailActions()[0]!.length, ref.n_actions);
    const map = MAPS[name]!;
    assert.deepEqual(map.attackPoint, ref.attack_point);
    // the one-hot order is SMAClite's unit_type_ids (none for a map that declares none)
    assert.deepEqual(
      [...map.unitTypes],
      Object.entries(ref.unit_type_ids)
        .sort((a, b) => a[1] - b[1])
        .map(([t]) => t),
    );
    for (const [side, units] of [
      ['allies', env.battlefield.allies],
      ['enemies', env.battlefield.enemies],
    ] as const) {
      const expected = ref[side];
      assert.deepEqual(
        units.map((u) => u.stats.name),
        expected.map(([t]) => t),
        `${side}: types in SMAClite's order`,
      );
      units.forEach((u, i) => {
        const [, x, y] = expected[i]!;
        assert.ok(
          Math.abs(u.x - x) < 1e-4 && Math.abs(u.y - y) < 1e-4,
          `${side} ${i}: (${u.x}, ${u.y}) vs SMAClite (${x}, ${y})`,
        );
      });
    }
    assert.equal(
      env.battlefield.allies.some((u) => u.stats.shield > 0),
      ref.ally_has_shields,
    );
    assert.equal(
      env.battlefield.enemies.some((u) => u.stats.shield > 0),
      ref.enemy_has_shields,
    );
  });
}

for (const [name, rows] of Object.entries(REFERENCE.terrains)) {
  test(`terrain ${name} is SMAClite's, cell for cell`, () => {
    const terrain = TERRAINS[name];
    assert.ok(terrain, `no terrain ${name}`);
    const ours = Array.from({ length: MAP_SIZE }, (_, y) =>
      Array.from({ length: MAP_SIZE }, (_, x) => (walkable(terrain, x + 0.5, y + 0.5) ? '_' : 'X')).join(''),
    );
    assert.deepEqual(ours, rows);
  });
}

test('MMM and MMM2: agent 0 and enemy 0 are medivacs, and the medivac heals by ally index', () => {
  for (const name of ['MMM', 'MMM2']) {
    const env = makeEnv(`smaclite/${name}`) as SmacliteEnv;
    env.reset(1);
    const { allies, enemies } = env.battlefield;
    assert.equal(allies[0]!.stats.name, 'medivac');
    assert.equal(enemies[0]!.stats.name, 'medivac');
    assert.deepEqual(
      allies.slice(1).map((u) => u.stats.name),
      [...new Array<string>(7).fill('marine'), 'marauder', 'marauder'],
    );
    const hurt = allies[9]!; // a marauder, within 6 of the medivac? move it there to be sure
    [hurt.x, hurt.y] = [allies[0]!.x + 2, allies[0]!.y];
    hurt.hp = 100;
    const avail = env.getAvailActions()[0]!;
    assert.equal(avail[6], 0, 'the medivac cannot heal itself (slot 6 is its own)');
    assert.equal(avail[6 + 9], 1, 'slot 6 + 9 heals ally 9');
    const actions = env.getAvailActions().map((m, i) => (i === 0 ? 6 + 9 : m[1] ? 1 : 0));
    env.step(actions);
    assert.ok(hurt.hp > 100, `ally 9 was healed (hp ${hurt.hp})`);
  }
});

test('a medivac may heal any ally but a medivac (SMAClite excludes every healer)', () => {
  const map: CombatMap = {
    ...MAPS.MMM!,
    groups: [
      {
        faction: 'ally',
        x: 9,
        y: 16,
        units: [
          ['medivac', 2],
          ['marine', 2],
        ],
      },
      { faction: 'enemy', x: 23, y: 16, units: [['marine', 4]] },
    ],
  };
  const env = new SmacliteEnv('two-medivacs', map);
  env.reset(0);
  const avail = env.getAvailActions();
  assert.deepEqual(
    [avail[0]![6], avail[0]![7], avail[0]![8], avail[0]![9]],
    [0, 0, 1, 1],
    'medivac 0: not itself, not medivac 1, both marines',
  );
});

// --- baneling blasts ---------------------------------------------------------------------------

/** An open field with one ally and one enemy baneling pack; every unit is then placed by hand. */
function field(allies: Array<[string, number]>, enemies: Array<[string, number]>): World {
  const map: CombatMap = {
    groups: [
      { faction: 'ally', x: 16, y: 10, units: allies },
      { faction: 'enemy', x: 16, y: 22, units: enemies },
    ],
    attackPoint: [16, 10],
    terrain: TERRAINS.simple!,
    episodeLimit: 100,
    unitTypes: [],
  };
  const world = new World(map, new Rng(3));
  for (const u of [...world.allies, ...world.enemies]) u.command = { kind: 'stop' };
  return world;
}

test('an allied baneling explodes on its target: foes within 2.2 + their radius take 80, allies and farther foes none, and it dies', () => {
  const world = field(
    [
      ['baneling', 1],
      ['zergling', 1],
    ],
    [['zergling', 4]],
  );
  const [bane, friend] = world.allies as [Unit, Unit];
  const foes = world.enemies;
  [bane.x, bane.y] = [16, 16];
  [friend.x, friend.y] = [15, 16]; // 1 away: inside the blast, but on the baneling's side
  const place: Array<[number, number]> = [
    [16.9, 16], // the target, within the baneling's 0.25 + radii = 1.0
    [18.5, 16], // 2.5 ≤ 2.2 + 0.375: hit
    [16, 18.6], // 2.6 > 2.575: spared
    [10, 16], // far away: spared
  ];
  foes.forEach((f, i) => ([f.x, f.y] = place[i]!));
  bane.command = { kind: 'attack', target: foes[0]! };
  const reward = world.tick();
  assert.equal(bane.alive, false, 'the baneling dies');
  assert.deepEqual(
    foes.map((f) => f.alive),
    [false, false, true, true],
  );
  assert.equal(friend.hp, 35, 'its own side is untouched');
  // 80 damage on a 35-hp zergling deals 35 and kills: (35 + 10) × 2
  assert.ok(Math.abs(reward - 90) < 1e-9, `reward ${reward}`);
});

test("an enemy baneling's blast earns the allies nothing for their losses, but its own remaining hp", () => {
  const world = field([['zergling', 2]], [['baneling', 1]]);
  const [a, b] = world.allies as [Unit, Unit];
  const bane = world.enemies[0]!;
  [a.x, a.y] = [16, 16];
  [b.x, b.y] = [17.5, 16];
  [bane.x, bane.y] = [16, 16.9];
  bane.hp = 20;
  bane.command = { kind: 'attack', target: a };
  const reward = world.tick();
  assert.equal(bane.alive, false);
  assert.deepEqual([a.alive, b.alive], [false, false]);
  // SMAClite credits an exploding enemy's hp as reward (20, plus 0.38/16 regenerated this tick)
  assert.ok(Math.abs(reward - (20 + 0.38 / 16)) < 1e-9, `reward ${reward}`);
});

test("blast victims are searched around the tick-start positions, as SMAClite's neighbour finder does", () => {
  const z = (x: number): Unit => new Unit(UNIT_TYPES.zergling!, 'enemy', 0, x, 0);
  const bane = new Unit(UNIT_TYPES.baneling!, 'ally', 0, 0, 0);
  const walkedIn = z(2.9); // 2.9 > 2.2 + 0.375 from the baneling when the tick began
  const stood = z(2.5); // within the search circle, and within the blast (2.5 ≤ 2.575)
  walkedIn.x = 2.0; // now well inside the blast; its tick-start position (startX) is still 2.9
  explode(bane, [walkedIn, stood], 2.2, 0.375);
  assert.equal(walkedIn.hp, 35, 'a foe that walked in during the tick is spared');
  assert.equal(stood.alive, false);
});

test('in a tick, a foe that walks into the blast from beyond the search circle is spared', () => {
  const world = field([['baneling', 1]], [['zergling', 2]]);
  const bane = world.allies[0]!;
  const [target, walker] = world.enemies as [Unit, Unit];
  [bane.x, bane.y] = [16, 16];
  [target.x, target.y] = [16.9, 16];
  [walker.x, walker.y] = [16 - 2.7, 16]; // beyond 2.2 + 0.375 when the tick begins
  walker.command = { kind: 'attack', target: bane }; // walks 4.13 / 16 ≈ 0.26 towards it, into the blast
  bane.command = { kind: 'attack', target };
  world.tick();
  assert.equal(target.alive, false);
  assert.ok(
    bane.distanceTo(walker) <= 2.2 + walker.radius,
    `the walker ended the tick inside the blast (${bane.distanceTo(walker)})`,
  );
  assert.equal(walker.hp, 35, 'but was not hit');
});

test('the new maps play to the end under random actions with finite observations', () => {
  for (const name of ['bane_vs_bane', 'corridor', '27m_vs_30m', '3s5z_vs_3s6z', 'MMM2']) {
    const env = makeEnv(`smaclite/${name}`) as SmacliteEnv;
    const rng = new Rng(7);
    env.reset(2);
    let steps = 0;
    for (;;) {
      const actions = env.getAvailActions().map((m) => {
        const ok = [...m.keys()].filter((k) => m[k]);
        return ok[rng.int(ok.length)]!;
      });
      const r = env.step(actions);
      steps++;
      for (const o of env.getObs()) assert.ok(o.every(Number.isFinite));
      assert.ok(env.getState().every(Number.isFinite));
      if (r.terminated || r.truncated) break;
    }
    assert.ok(steps <= env.getEnvInfo().episodeLimit, `${name}: ${steps} steps`);
  }
});
