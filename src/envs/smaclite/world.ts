/**
 * The battlefield and its clock: SMAClite's world step, one tick at a time.
 *
 * Per tick: every unit refreshes its target from its command; enemies without a target pick one
 * (the built-in AI: attack-move towards the allies, engaging the nearest ally within scan range,
 * healers before fighters, and always an ally that is attacking them); enemy medivacs pick the most
 * damaged comrade; every unit sets a preferred velocity (towards its move point or target, or zero
 * when in range); units move, then units act in a shuffled order: timers tick, and a unit in range
 * of its target fires once its cooldown is 0. Dead units leave the field at the end of the tick.
 *
 * Movement differs from SMAClite, which resolves velocities with ORCA (RVO2): here each unit moves at
 * its preferred velocity, ground units steer around walls (`navigation.ts`) and slide along a blocked
 * axis, and overlapping ground units are then pushed apart along the line between their centres
 * (an immobile unit does not move). Air units ignore terrain and collisions, as in SMAClite.
 */
import type { Rng } from '../../util/rng.js';
import { TICK, Unit, type Command } from './unit.js';
import { isHealer, UNIT_TYPES, type UnitStats } from './units.js';
import { walkable, type CombatMap } from './maps.js';
import { ConfigError } from '../../util/errors.js';
import { Navigator } from './navigation.js';
import { BlastField } from './splash.js';

/** Gap between units of a formation (SMAClite's `GROUP_BUFFER`). */
const GROUP_GAP = 0.05;
/** A distance that marks "this unit is attacking me" among potential targets. */
const ATTACKING_ME = 2e9;

/** The unit type named `name`, or a clear error listing the known ones. */
export function unitType(name: string): UnitStats {
  const stats = UNIT_TYPES[name];
  if (!stats) throw new ConfigError(`unknown unit type '${name}'; expected one of ${Object.keys(UNIT_TYPES).join(', ')}`);
  return stats;
}

/** Every unit of one side and the field they fight on. */
export class World {
  readonly allies: Unit[] = [];
  readonly enemies: Unit[] = [];
  private readonly maxRadius: number;
  private readonly navigator: Navigator;
  /** Tick-start positions for baneling blasts (splash.ts); null on maps without banelings. */
  private readonly blasts: BlastField | null;

  constructor(readonly map: CombatMap, private readonly rng: Rng, navigator?: Navigator) {
    this.navigator = navigator ?? new Navigator(map.terrain);
    for (const group of map.groups) this.placeGroup(group.faction, group.x, group.y, group.units.flatMap(([name, count]) => new Array<UnitStats>(count).fill(unitType(name))));
    this.maxRadius = Math.max(...[...this.allies, ...this.enemies].map((u) => u.radius));
    this.blasts = BlastField.forUnits([...this.allies, ...this.enemies]);
    const [ax, ay] = map.attackPoint;
    for (const e of this.enemies) e.command = { kind: 'attack-move', x: ax, y: ay };
  }

  /**
   * SMAClite's formation: a ⌈√n⌉-wide square filled row by row, each row as tall as its largest unit,
   * units side by side with a small gap, centred on (cx, cy); the enemy's is mirrored through its centre.
   */
  private placeGroup(faction: 'ally' | 'enemy', cx: number, cy: number, types: UnitStats[]): void {
    const side = Math.ceil(Math.sqrt(types.length));
    const rows: UnitStats[][] = Array.from({ length: side }, (_, r) => types.slice(r * side, (r + 1) * side));
    const rowRadius = rows.map((row) => Math.max(0, ...row.map((u) => u.size / 2)));
    const height = 2 * rowRadius.reduce((a, b) => a + b, 0) + (side - 1) * GROUP_GAP;
    const width = Math.max(...rows.map((row) => row.reduce((a, u) => a + u.size, 0)));
    const m = faction === 'ally' ? 1 : -1;
    const list = faction === 'ally' ? this.allies : this.enemies;
    let y = cy - (m * height) / 2;
    let previousRow = 0;
    rows.forEach((row, r) => {
      let x = cx - (m * width) / 2;
      y += m * (previousRow + (rowRadius[r] as number));
      previousRow = rowRadius[r] as number;
      let previousUnit = 0;
      for (const stats of row) {
        x += m * (previousUnit + stats.size / 2);
        previousUnit = stats.size / 2;
        list.push(new Unit(stats, faction, list.length, x, y));
        x += m * GROUP_GAP;
      }
      y += m * GROUP_GAP;
    });
  }

  /** Living units of a side. */
  living(faction: 'ally' | 'enemy'): Unit[] {
    return (faction === 'ally' ? this.allies : this.enemies).filter((u) => u.alive);
  }

  /** Living units of `faction` within `radius` (centre distance) of `unit`, with their distance. */
  private within(unit: Unit, faction: 'ally' | 'enemy', radius: number): Array<[Unit, number]> {
    const out: Array<[Unit, number]> = [];
    for (const other of this.living(faction)) {
      const d = unit.distanceTo(other);
      if (d <= radius) out.push([other, d]);
    }
    return out;
  }

  // --- targets ------------------------------------------------------------------------------

  /** Refresh `unit.target` from its command (SMAClite's `clean_up_target`). */
  private refreshTarget(unit: Unit): void {
    unit.potentialTargets = [];
    unit.priorityTargets = [];
    unit.previousTarget = unit.target;
    const c = unit.command;
    if (c.kind === 'attack') {
      unit.target = c.target.alive ? c.target : null;
    } else if (c.kind === 'attack-move') {
      const t = unit.target;
      if (t && (!t.alive || (t.target !== unit && !unit.inAttackRange(t)))) unit.target = null;
    } else {
      unit.target = null;
    }
  }

  /** The built-in AI's candidate lists for enemies that attack-move. */
  private gatherCandidates(): void {
    const scan = (u: Unit): number => u.stats.scanRange + this.maxRadius;
    const enemies = this.living('enemy');
    for (const e of enemies) {
      if (e.target !== null) continue;
      e.potentialTargets = isHealer(e.stats) ? this.within(e, 'enemy', scan(e)).filter(([u]) => u !== e) : this.within(e, 'ally', scan(e)).filter(([u]) => e.canHit(u));
    }
    for (const a of this.living('ally')) {
      const t = a.target;
      if (t && t.faction === 'enemy' && t.target === null && !isHealer(t.stats) && t.canHit(a)) t.potentialTargets.push([a, ATTACKING_ME]);
    }
    if (this.living('ally').some((a) => isHealer(a.stats))) {
      for (const e of enemies) {
        if (!isHealer(e.stats) && e.target !== null && !isHealer(e.target.stats)) e.priorityTargets = this.within(e, 'ally', scan(e)).filter(([u]) => e.canHit(u));
      }
    }
  }

  /** Attack-move target choice: healers first, then the nearest; only within scan range or attacking me. */
  private pickFighterTarget(unit: Unit, candidates: Array<[Unit, number]>): Unit | null {
    let best: Unit | null = null;
    let bestKey: [number, number] = [Infinity, Infinity]; // (healer ? 0 : 1, distance), smallest wins
    for (const [u, d] of candidates) {
      if (!u.alive || !(d < unit.stats.scanRange + u.radius || u.target === unit)) continue;
      const key: [number, number] = [isHealer(u.stats) ? 0 : 1, d];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) [best, bestKey] = [u, key];
    }
    return best;
  }

  /** Enemy medivac target choice: the comrade with the least hp that is hurt or fighting. */
  private pickHealTarget(unit: Unit): Unit | null {
    let best: Unit | null = null;
    for (const [u, d] of unit.potentialTargets) {
      if (!u.alive || d >= unit.stats.scanRange + u.radius || !(u.hp < u.stats.hp || u.target !== null)) continue;
      if (!best || u.hp < best.hp) best = u;
    }
    return best;
  }

  // --- movement -----------------------------------------------------------------------------

  /** The preferred velocity for this tick (SMAClite's `prepare_velocity`). */
  private prepareVelocity(unit: Unit): void {
    unit.vx = 0;
    unit.vy = 0;
    unit.attacking = false;
    const c = unit.command;
    let moveTo: [number, number] | null = null;
    if (c.kind === 'move') moveTo = [c.x, c.y];
    if (c.kind === 'attack-move' && unit.target === null) {
      unit.target = isHealer(unit.stats) ? this.pickHealTarget(unit) : this.pickFighterTarget(unit, unit.potentialTargets);
      if (unit.target === null) moveTo = [c.x, c.y];
    } else if (c.kind === 'attack-move' && unit.priorityTargets.length > 0) {
      unit.target = this.pickFighterTarget(unit, unit.priorityTargets) ?? unit.target;
    }
    const target = c.kind === 'attack' ? (unit.target ?? null) : c.kind === 'attack-move' ? unit.target : null;
    if (target && moveTo === null) {
      if (unit.inAttackRange(target) && unit.canHit(target)) unit.attacking = true;
      else moveTo = [target.x, target.y];
    }
    if (!moveTo || unit.stats.speed === 0) return;
    if (unit.stats.plane === 'ground') moveTo = this.navigator.waypoint(unit.x, unit.y, moveTo[0], moveTo[1]);
    const [dx, dy] = [moveTo[0] - unit.x, moveTo[1] - unit.y];
    const dist = Math.hypot(dx, dy);
    if (dist === 0) return;
    // healers keep pace with the units they follow instead of overtaking them
    const speed = isHealer(unit.stats) ? Math.min(unit.stats.speed, ...unit.potentialTargets.map(([u]) => u.stats.speed)) : unit.stats.speed;
    unit.vx = (dx * speed) / dist;
    unit.vy = (dy * speed) / dist;
  }

  /** Move every unit by its velocity; ground units slide along walls and are then separated. */
  private move(units: readonly Unit[]): void {
    const terrain = this.map.terrain;
    for (const u of units) {
      const [nx, ny] = [u.x + u.vx * TICK, u.y + u.vy * TICK];
      if (u.stats.plane === 'air' || walkable(terrain, nx, ny)) [u.x, u.y] = [nx, ny];
      else if (walkable(terrain, nx, u.y)) u.x = nx;
      else if (walkable(terrain, u.x, ny)) u.y = ny;
    }
    const ground = units.filter((u) => u.stats.plane === 'ground');
    for (let i = 0; i < ground.length; i++) {
      for (let j = i + 1; j < ground.length; j++) {
        const [a, b] = [ground[i] as Unit, ground[j] as Unit];
        const d = a.distanceTo(b);
        const overlap = a.radius + b.radius - d;
        if (overlap <= 0) continue;
        const [ux, uy] = d > 1e-9 ? [(b.x - a.x) / d, (b.y - a.y) / d] : [1, 0];
        const [shareA, shareB] = a.stats.speed === 0 ? [0, 1] : b.stats.speed === 0 ? [1, 0] : [0.5, 0.5];
        const push = (u: Unit, sx: number, sy: number): void => {
          if (walkable(terrain, u.x + sx, u.y + sy)) [u.x, u.y] = [u.x + sx, u.y + sy];
        };
        push(a, -ux * overlap * shareA, -uy * overlap * shareA);
        push(b, ux * overlap * shareB, uy * overlap * shareB);
      }
    }
  }

  // --- acting -------------------------------------------------------------------------------

  /** Fire at (or heal) the target when in range and ready (SMAClite's `AttackUnitCommand.execute`). */
  private act(unit: Unit): number {
    const target = unit.target;
    if (!unit.attacking || target === null) return 0;
    unit.attacking = false;
    if (unit.cooldown > 0) return 0;
    unit.cooldown = unit.stats.cooldown;
    const targeter = unit.stats.targeter;
    if (targeter.kind === 'heal') {
      unit.heal(target);
      return 0;
    }
    if (targeter.kind === 'standard') return unit.dealDamage(target);
    const foes = this.living(unit.faction === 'ally' ? 'enemy' : 'ally');
    if (targeter.kind === 'kamikaze') return (this.blasts as BlastField).explode(unit, foes, targeter.radius, this.maxRadius);
    // beam: a width × height rectangle across the line of fire, centred on the target
    const [fx, fy] = [target.x - unit.x, target.y - unit.y];
    const len = Math.hypot(fx, fy) || 1;
    const [ax, ay] = [fx / len, fy / len]; // along the line of fire
    return foes
      .filter((f) => {
        const [rx, ry] = [f.x - target.x, f.y - target.y];
        const along = Math.max(Math.abs(rx * ax + ry * ay) - targeter.height / 2, 0);
        const across = Math.max(Math.abs(-rx * ay + ry * ax) - targeter.width / 2, 0);
        return along * along + across * across <= f.radius * f.radius;
      })
      .reduce((a, f) => a + unit.dealDamage(f), 0);
  }

  /** Advance one tick; returns the damage reward earned by the allies (before normalisation). */
  tick(): number {
    const units = [...this.living('ally'), ...this.living('enemy')];
    this.blasts?.beginTick(units);
    for (const u of units) this.refreshTarget(u);
    this.gatherCandidates();
    for (const u of units) this.prepareVelocity(u);
    this.move(units);
    let reward = 0;
    for (const u of this.rng.shuffle([...units])) {
      if (!u.alive) continue;
      u.tickTimers();
      reward += this.act(u);
    }
    return reward;
  }
}

/** Re-exported for the environment: commands allies can be given. */
export type { Command };
