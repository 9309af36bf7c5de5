/**
 * SMAC-style combat (`smaclite/<map>`): SMAClite's rules (Michalski et al. 2023) behind the toolkit's
 * environment interface, with SMAC's observation, state, action and reward definitions.
 *
 * Actions: 0 no-op (dead agents only), 1 stop, 2–5 move north/south/east/west (towards a point 2
 * away), 6 + j attack enemy j (medivacs: heal ally j). Moves are available when the point 1 away is
 * walkable; attacks when the target is alive and within 6 (centre distance).
 * Observation per agent (sight 9): 4 move flags; per enemy [attackable, distance, dx, dy, hp,
 * (shield), (type one-hot)] / 9 for lengths; per other ally [visible, distance, dx, dy, hp, (shield),
 * (type)]; own [hp, (shield), (type)]. State: per ally [hp, cooldown (medivac: energy), x, y relative
 * to the centre / map size, (shield), (type)], per enemy [hp, x, y, (shield), (type)], then every
 * agent's last action one-hot. Reward: damage dealt (shield + hp) + 10 per kill + 200 for the win,
 * scaled so the maximum return is 20; 8 ticks (half a second) per step; `info.won` when every enemy
 * is dead.
 */
import { Rng } from '../../util/rng.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { EnvInfo, MultiAgentEnv, StepResult, UnitsFrame } from '../types.js';
import { checkStep } from '../base.js';
import { KILL_REWARD, type Unit } from './unit.js';
import { World } from './world.js';
import { Navigator } from './navigation.js';
import { VelocityUpdater } from './velocity.js';
import { MAP_SIZE, walkable, type CombatMap } from './maps.js';
import { isHealer } from './units.js';

/** Ticks per environment step (SMAC's step multiplier). */
export const STEP_MUL = 8;
const SIGHT_RANGE = 9;
const TARGET_RANGE = 6;
const MOVE_AMOUNT = 2;
const WIN_REWARD = 200;
/** North, south, east, west, as SMAClite orders them. */
const DIRECTIONS: ReadonlyArray<[number, number]> = [
  [0, 1],
  [0, -1],
  [1, 0],
  [-1, 0],
];

/** Options of a combat environment; the defaults are SMAClite's rules. */
export interface SmacliteOptions {
  /**
   * Ground units path-find around walls (a breadth-first grid path, `navigation.ts`) instead of
   * heading straight for their goal as in SMAClite, where a unit whose goal lies behind a wall stalls
   * against it. Not SMAClite's rules: off by default.
   */
  pathfinding?: boolean;
  /**
   * The acting order of each tick, for tools that replay another simulator's order (the fidelity
   * harness's traces); by default the episode's seeded `Rng` shuffles the units.
   */
  order?: (units: readonly Unit[]) => Unit[];
}

/** The combat environment on one map. */
export class SmacliteEnv implements MultiAgentEnv {
  private world: World | null = null;
  private lastActions: number[] = [];
  private maxReward = 1;
  private t = 0;
  private running = false;
  private readonly nAgents: number;
  private readonly nEnemies: number;
  private readonly nActions: number;
  private readonly allyShields: boolean;
  private readonly enemyShields: boolean;
  /** Shared across episodes: they depend on the terrain only. */
  private readonly navigator: Navigator | null;
  private readonly velocity: VelocityUpdater;
  private readonly order: ((units: readonly Unit[]) => Unit[]) | null;

  constructor(
    readonly id: string,
    readonly map: CombatMap,
    options: SmacliteOptions = {},
  ) {
    this.navigator = options.pathfinding ? new Navigator(map.terrain) : null;
    this.velocity = new VelocityUpdater(map.terrain);
    this.order = options.order ?? null;
    // a throwaway world tells the sizes (placement is deterministic; only the tick order is random)
    const probe = new World(map, new Rng(0), { velocity: this.velocity });
    this.nAgents = probe.allies.length;
    this.nEnemies = probe.enemies.length;
    const healers = probe.allies.filter((u) => isHealer(u.stats)).length;
    this.nActions = 6 + (healers > 0 ? Math.max(this.nAgents - healers, this.nEnemies) : this.nEnemies);
    this.allyShields = probe.allies.some((u) => u.stats.shield > 0);
    this.enemyShields = probe.enemies.some((u) => u.stats.shield > 0);
  }

  private get types(): number {
    return this.map.unitTypes.length;
  }

  private enemyFeatures(): number {
    return 5 + Number(this.enemyShields) + this.types;
  }

  private allyFeatures(): number {
    return 5 + Number(this.allyShields) + this.types;
  }

  getEnvInfo(): EnvInfo {
    const obs =
      4 +
      this.nEnemies * this.enemyFeatures() +
      (this.nAgents - 1) * this.allyFeatures() +
      1 +
      Number(this.allyShields) +
      this.types;
    const allyState = 4 + Number(this.allyShields) + this.types;
    const enemyState = 3 + Number(this.enemyShields) + this.types;
    const state = this.nAgents * allyState + this.nEnemies * enemyState + this.nAgents * this.nActions;
    return {
      nAgents: this.nAgents,
      nActions: this.nActions,
      obsShape: obs,
      stateShape: state,
      episodeLimit: this.map.episodeLimit,
      reportsWins: true,
    };
  }

  reset(seed: number): void {
    this.world = new World(this.map, new Rng(seed), {
      velocity: this.velocity,
      navigator: this.navigator,
      ...(this.order ? { order: this.order } : {}),
    });
    this.maxReward =
      this.nEnemies * KILL_REWARD +
      WIN_REWARD +
      this.world.enemies.reduce((a, e) => a + e.stats.hp + e.stats.shield, 0);
    this.lastActions = new Array<number>(this.nAgents).fill(0);
    this.t = 0;
    this.running = true;
  }

  private get w(): World {
    if (!this.world)
      throw new ToolkitError('E_ENV', `${this.id}: no episode has been started`, { hint: 'call reset(seed) first' });
    return this.world;
  }

  step(actions: readonly number[]): StepResult {
    checkStep(this.id, this.running, actions, this.running ? this.getAvailActions() : []);
    const world = this.w;
    actions.forEach((action, i) => {
      const unit = world.allies[i] as Unit;
      if (!unit.alive) return;
      if (action === 1) unit.command = { kind: 'stop' };
      else if (action >= 2 && action <= 5) {
        const [dx, dy] = DIRECTIONS[action - 2] as [number, number];
        unit.command = { kind: 'move', x: unit.x + dx * MOVE_AMOUNT, y: unit.y + dy * MOVE_AMOUNT };
      } else if (action >= 6) {
        const pool = isHealer(unit.stats) ? world.allies : world.enemies;
        unit.command = { kind: 'attack', target: pool[action - 6] as Unit };
      }
    });
    this.lastActions = [...actions];
    let reward = 0;
    for (let k = 0; k < STEP_MUL; k++) reward += world.tick();
    const won = world.living('enemy').length === 0;
    const lost = world.living('ally').length === 0;
    if (won) reward += WIN_REWARD;
    this.t += 1;
    const terminated = won || lost;
    const truncated = !terminated && this.t >= this.map.episodeLimit;
    if (terminated || truncated) this.running = false;
    return { reward: (reward * 20) / this.maxReward, terminated, truncated, info: { won } };
  }

  private canMove(unit: Unit, [dx, dy]: [number, number]): boolean {
    return walkable(this.map.terrain, unit.x + (dx * MOVE_AMOUNT) / 2, unit.y + (dy * MOVE_AMOUNT) / 2);
  }

  private canTarget(unit: Unit, target: Unit): boolean {
    return target.alive && unit.alive && unit.distanceTo(target) <= TARGET_RANGE;
  }

  getAvailActions(): Uint8Array[] {
    const world = this.w;
    return world.allies.map((unit) => {
      const avail = new Uint8Array(this.nActions);
      if (!unit.alive) {
        avail[0] = 1;
        return avail;
      }
      avail[1] = 1;
      DIRECTIONS.forEach((d, k) => (avail[2 + k] = Number(this.canMove(unit, d))));
      // a healer heals any ally but a healer (SMAClite's rule; it matters with two allied medivacs)
      const pool = isHealer(unit.stats) ? world.allies.filter((a) => !isHealer(a.stats)) : world.enemies;
      for (const target of pool) avail[6 + target.index] = Number(this.canTarget(unit, target));
      return avail;
    });
  }

  /** One-hot of the unit's type in the map's type order (empty for single-type maps). */
  private typeOneHot(unit: Unit): number[] {
    return this.map.unitTypes.map((t) => (t === unit.stats.name ? 1 : 0));
  }

  /**
   * Per agent (zeros for a dead one): can-move flags north, south, east, west; per enemy [attackable,
   * distance, dx, dy, hp, (shield), (type one-hot)]; per other ally [visible, distance, dx, dy, hp,
   * (shield), (type)]; own [hp, (shield), (type)]. Lengths / sight range, hp and shield as fractions;
   * units out of sight are zeros (docs/envs.md, "Observation layouts").
   */
  getObs(): Float32Array[] {
    const world = this.w;
    const info = this.getEnvInfo();
    const avail = this.getAvailActions();
    return world.allies.map((unit, i) => {
      const o = new Float32Array(info.obsShape);
      if (!unit.alive) return o;
      DIRECTIONS.forEach((_, k) => (o[k] = avail[i]![2 + k] as number));
      let base = 4;
      for (const enemy of world.enemies) {
        const d = unit.distanceTo(enemy);
        if (enemy.alive && d < SIGHT_RANGE) {
          // SMAClite reads the flag at the enemy's slot of the action mask (a medivac's heal mask, quirk kept)
          const row = [
            avail[i]![6 + enemy.index] as number,
            d / SIGHT_RANGE,
            (enemy.x - unit.x) / SIGHT_RANGE,
            (enemy.y - unit.y) / SIGHT_RANGE,
            enemy.hp / enemy.stats.hp,
          ];
          if (this.enemyShields) row.push(enemy.stats.shield > 0 ? enemy.shield / enemy.stats.shield : 0);
          o.set([...row, ...this.typeOneHot(enemy)], base + enemy.index * this.enemyFeatures());
        }
      }
      base += this.nEnemies * this.enemyFeatures();
      for (const ally of world.allies) {
        if (ally === unit) continue;
        const d = unit.distanceTo(ally);
        if (!ally.alive || d >= SIGHT_RANGE) continue;
        const slot = ally.index - Number(ally.index > unit.index);
        const row = [
          1,
          d / SIGHT_RANGE,
          (ally.x - unit.x) / SIGHT_RANGE,
          (ally.y - unit.y) / SIGHT_RANGE,
          ally.hp / ally.stats.hp,
        ];
        if (this.allyShields) row.push(ally.stats.shield > 0 ? ally.shield / ally.stats.shield : 0);
        o.set([...row, ...this.typeOneHot(ally)], base + slot * this.allyFeatures());
      }
      base += (this.nAgents - 1) * this.allyFeatures();
      const own = [unit.hp / unit.stats.hp];
      if (this.allyShields) own.push(unit.stats.shield > 0 ? unit.shield / unit.stats.shield : 0);
      o.set([...own, ...this.typeOneHot(unit)], base);
      return o;
    });
  }

  getState(): Float32Array {
    const world = this.w;
    const info = this.getEnvInfo();
    const s = new Float32Array(info.stateShape);
    const centre = MAP_SIZE / 2;
    const allyState = 4 + Number(this.allyShields) + this.types;
    const enemyState = 3 + Number(this.enemyShields) + this.types;
    world.allies.forEach((u, i) => {
      if (!u.alive) return;
      const timer = isHealer(u.stats) ? u.energy / u.stats.energy : u.cooldown / u.stats.cooldown;
      const row = [u.hp / u.stats.hp, timer, (u.x - centre) / MAP_SIZE, (u.y - centre) / MAP_SIZE];
      if (this.allyShields) row.push(u.stats.shield > 0 ? u.shield / u.stats.shield : 0);
      s.set([...row, ...this.typeOneHot(u)], i * allyState);
    });
    const enemyBase = this.nAgents * allyState;
    world.enemies.forEach((u, j) => {
      if (!u.alive) return;
      const row = [u.hp / u.stats.hp, (u.x - centre) / MAP_SIZE, (u.y - centre) / MAP_SIZE];
      if (this.enemyShields) row.push(u.stats.shield > 0 ? u.shield / u.stats.shield : 0);
      s.set([...row, ...this.typeOneHot(u)], enemyBase + j * enemyState);
    });
    const actionBase = enemyBase + this.nEnemies * enemyState;
    this.lastActions.forEach((a, i) => (s[actionBase + i * this.nActions + a] = this.t > 0 ? 1 : 0));
    return s;
  }

  frame(): UnitsFrame {
    const world = this.w;
    const unit = (u: Unit): UnitsFrame['units'][number] => ({
      faction: u.faction,
      type: u.stats.name,
      x: u.x,
      y: u.y,
      radius: u.radius,
      hp: u.hp,
      maxHp: u.stats.hp,
      shield: u.shield,
      maxShield: u.stats.shield,
    });
    return {
      kind: 'units',
      size: MAP_SIZE,
      terrain: this.map.terrain,
      units: [...world.allies, ...world.enemies].filter((u) => u.alive).map(unit),
    };
  }

  /** The units, for tests and scripted policies. */
  get battlefield(): World {
    return this.w;
  }
}
