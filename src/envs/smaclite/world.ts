/**
 * The battlefield and its clock: SMAClite's world step, one tick at a time, in its order.
 *
 * Per tick, over the units alive at its start in placement order: every unit refreshes its target
 * from its command (an attack order keeps its target even when it has died, as SMAClite's
 * `AttackUnitCommand` does: the unit fires at the corpse or walks to it); enemies without a target
 * gather candidates (the built-in AI: attack-move towards the allies, engaging the nearest ally
 * within scan range, healers before fighters, and always an ally that is attacking them; enemy
 * medivacs heal the most hurt comrade); every unit sets its preferred velocity (towards its move
 * point or target, zero when stopped or in range); ORCA turns preferred into actual velocities
 * (`velocity.ts`: units standing still never move; moving units give way); then, in a shuffled order,
 * each unit still alive moves by its velocity (positions in float32), ticks its timers and acts: a
 * unit in range of its target fires once its cooldown is 0. Units that died leave the field at the
 * end of the tick.
 *
 * SMAClite has no path-finding: a unit whose goal lies behind a wall slides along it and stalls.
 * With a {@link Navigator} (a non-default option, `navigation.ts`) ground units head for the next
 * cell of a shortest grid path instead.
 */
import type { Rng } from '../../util/rng.js';
import { TICK, Unit, type Command } from './unit.js';
import { isHealer, UNIT_TYPES, type UnitStats } from './units.js';
import type { CombatMap } from './maps.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import type { Navigator } from './navigation.js';
import { VelocityUpdater } from './velocity.js';
import { dot, f32, kdDistance, lenSq32 } from './numeric.js';
import { explode } from './splash.js';

/** Gap between units of a formation (SMAClite's `GROUP_BUFFER`). */
const GROUP_GAP = 0.05;
/** A distance that marks "this unit is attacking me" among potential targets. */
const ATTACKING_ME = 2e9;

/** The unit type named `name`, or a clear error listing the known ones. */
export function unitType(name: string): UnitStats {
  const stats = UNIT_TYPES[name];
  if (!stats)
    throw new ConfigError(`unknown unit type '${name}'; expected one of ${Object.keys(UNIT_TYPES).join(', ')}`);
  return stats;
}

/** How a world moves its units; shared across episodes on one map (both depend on the terrain only). */
export interface WorldMovement {
  /** ORCA against units and terrain (SMAClite's); made from the terrain when absent. */
  velocity?: VelocityUpdater;
  /** Path-finding for ground units: not SMAClite's rules, off unless given. */
  navigator?: Navigator | null;
  /**
   * The acting order of a tick, for tools that replay another simulator's order (the fidelity
   * harness); by default the world's `Rng` shuffles the units.
   */
  order?: (units: readonly Unit[]) => Unit[];
}

/** Every unit of one side and the field they fight on. */
export class World {
  readonly allies: Unit[] = [];
  readonly enemies: Unit[] = [];
  /** Every unit in placement order (SMAClite's ids). */
  readonly units: Unit[] = [];
  private readonly maxRadius: number;
  private readonly navigator: Navigator | null;
  private readonly velocity: VelocityUpdater;
  private readonly order: ((units: readonly Unit[]) => Unit[]) | null;

  constructor(
    readonly map: CombatMap,
    private readonly rng: Rng,
    movement: WorldMovement = {},
  ) {
    this.navigator = movement.navigator ?? null;
    this.velocity = movement.velocity ?? new VelocityUpdater(map.terrain);
    this.order = movement.order ?? null;
    for (const group of map.groups)
      this.placeGroup(
        group.faction,
        group.x,
        group.y,
        group.units.flatMap(([name, count]) => new Array<UnitStats>(count).fill(unitType(name))),
      );
    this.maxRadius = Math.max(...[...this.allies, ...this.enemies].map((u) => u.radius));
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
        const unit = new Unit(stats, faction, list.length, x, y, this.units.length);
        list.push(unit);
        this.units.push(unit);
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
    for (const other of faction === 'ally' ? this.allies : this.enemies) {
      if (!other.alive) continue;
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
      unit.target = c.target.hp > 0 ? c.target : null;
    } else if (c.kind === 'attack-move') {
      const t = unit.target;
      if (t && (t.hp === 0 || (t.target !== unit && !unit.inAttackRange(t)))) unit.target = null;
    } else {
      unit.target = null;
    }
  }

  /** The built-in AI's candidate lists, built as SMAClite's world step builds them. */
  private gatherCandidates(): void {
    const scan = (u: Unit): number => u.stats.scanRange + this.maxRadius;
    const enemies = this.enemies.filter((e) => e.alive);
    const allies = this.allies.filter((a) => a.alive);
    const seeking = enemies.filter((e) => !isHealer(e.stats) && e.target === null);
    for (const e of seeking) e.potentialTargets = this.within(e, 'ally', scan(e)).filter(([u]) => e.canHit(u));
    // every agent attacking a unit that can hit back joins that unit's list (read only by the seekers,
    // and by an enemy medivac's pace)
    if (seeking.length > 0)
      for (const a of allies) if (a.target && a.target.canHit(a)) a.target.potentialTargets.push([a, ATTACKING_ME]);
    for (const e of enemies)
      if (isHealer(e.stats) && e.target === null)
        e.potentialTargets = this.within(e, 'enemy', scan(e)).filter(([u]) => e.canHit(u));
    if (allies.some((a) => isHealer(a.stats))) {
      for (const e of enemies) {
        if (!isHealer(e.stats) && e.target !== null && !isHealer(e.target.stats))
          e.priorityTargets = this.within(e, 'ally', scan(e)).filter(([u]) => e.canHit(u));
      }
    }
  }

  /** Attack-move target choice: healers first, then the nearest; only within scan range or attacking me. */
  private pickFighterTarget(unit: Unit, candidates: Array<[Unit, number]>): Unit | null {
    let best: Unit | null = null;
    let bestKey: [number, number] = [Infinity, Infinity]; // (healer ? 0 : 1, distance), smallest wins
    for (const [u, d] of candidates) {
      if (!(u.hp > 0) || !(d < unit.stats.scanRange + u.radius || u.target === unit)) continue;
      const key: [number, number] = [isHealer(u.stats) ? 0 : 1, d];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) [best, bestKey] = [u, key];
    }
    return best;
  }

  /** Enemy medivac target choice: the comrade with the least hp that is hurt or fighting. */
  private pickHealTarget(unit: Unit): Unit | null {
    let best: Unit | null = null;
    for (const [u, d] of unit.potentialTargets) {
      if (!(u.hp > 0) || !(d < unit.stats.scanRange + u.radius) || !(u.hp < u.stats.hp || u.target !== null)) continue;
      if (!best || u.hp < best.hp) best = u;
    }
    return best;
  }

  // --- movement -----------------------------------------------------------------------------

  /** Head for the point (x, y) at full speed (SMAClite's `MoveCommand.prepare_velocity`, in double precision). */
  private headFor(unit: Unit, x: number, y: number): void {
    if (unit.speed === 0) return;
    if (this.navigator && unit.stats.plane === 'ground') [x, y] = this.navigator.waypoint(unit.x, unit.y, x, y);
    const speed = this.pace(unit);
    const dx = x - unit.x;
    const dy = y - unit.y;
    const distance = Math.sqrt(dot(dx, dy, dx, dy));
    if (distance === 0) return;
    unit.prefX = (dx * speed) / distance;
    unit.prefY = (dy * speed) / distance;
  }

  /** Head for another unit: numpy subtracts two float32 positions, so this one is single precision. */
  private chase(unit: Unit, target: Unit): void {
    if (unit.speed === 0) return;
    if (this.navigator && unit.stats.plane === 'ground') return this.headFor(unit, target.x, target.y);
    const dx = f32(target.x - unit.x);
    const dy = f32(target.y - unit.y);
    const distance = f32(Math.sqrt(lenSq32(dx, dy)));
    if (distance === 0) return;
    const speed = f32(this.pace(unit));
    unit.prefX = f32(f32(dx * speed) / distance);
    unit.prefY = f32(f32(dy * speed) / distance);
    unit.prefIsF32 = true;
  }

  /** Full speed; a healer keeps the pace of the slowest unit on its candidate list (SMAClite's rule). */
  private pace(unit: Unit): number {
    if (!isHealer(unit.stats) || unit.potentialTargets.length === 0) return unit.speed;
    let pace = Infinity;
    for (const [u] of unit.potentialTargets) pace = Math.min(pace, u.speed);
    return pace;
  }

  /** The preferred velocity for this tick and the unit to fire at (SMAClite's `prepare_velocity`). */
  private prepareVelocity(unit: Unit): void {
    unit.prefX = 0;
    unit.prefY = 0;
    unit.prefIsF32 = false;
    unit.fireAt = null;
    const c = unit.command;
    if (c.kind === 'move') return this.headFor(unit, c.x, c.y);
    let target: Unit | null = null;
    if (c.kind === 'attack') target = c.target;
    else if (c.kind === 'attack-move') {
      if (unit.target === null) {
        unit.target = isHealer(unit.stats)
          ? this.pickHealTarget(unit)
          : this.pickFighterTarget(unit, unit.potentialTargets);
        if (unit.target === null) return this.headFor(unit, c.x, c.y);
      } else if (!isHealer(unit.stats) && unit.priorityTargets.length > 0) {
        unit.target = this.pickFighterTarget(unit, unit.priorityTargets) ?? unit.target;
      }
      target = unit.target;
    }
    if (target === null) return;
    if (unit.inAttackRange(target) && unit.canHit(target)) {
      unit.attacking = true;
      unit.fireAt = target;
    } else {
      this.chase(unit, target);
    }
  }

  // --- acting -------------------------------------------------------------------------------

  /** Fire at (or heal) the target when in range and ready (SMAClite's `AttackUnitCommand.execute`). */
  private act(unit: Unit): number {
    const target = unit.fireAt;
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
    if (targeter.kind === 'kamikaze') return explode(unit, foes, targeter.radius, this.maxRadius);
    // beam: a width × height rectangle across the line of fire, centred on the target; candidates are
    // the foes whose centre stood within half its diagonal of the target at the tick's start (SMAClite's
    // KD-tree query), tested in SMAClite's rotated frame: θ = arctan(−1 / (Δy / Δx)) of the float32 offset
    const dx = f32(target.x - unit.x);
    const dy = f32(target.y - unit.y);
    const theta = Math.atan(-1 / f32(dy / dx));
    const [c, s] = [Math.cos(theta), Math.sin(theta)];
    const reach = Math.hypot(targeter.width, targeter.height) / 2;
    const [t0, t1] = [target.x * c + target.y * s, -target.x * s + target.y * c];
    return foes
      .filter((f) => {
        if (!(kdDistance(f.startX, f.startY, target.x, target.y) <= reach)) return false;
        const across = Math.max(Math.abs(t0 - (f.x * c + f.y * s)) - targeter.width / 2, 0);
        const along = Math.max(Math.abs(t1 - (-f.x * s + f.y * c)) - targeter.height / 2, 0);
        return across * across + along * along <= f.radius * f.radius;
      })
      .reduce((a, f) => a + unit.dealDamage(f), 0);
  }

  /** Advance one tick; returns the damage reward earned by the allies (before normalisation). */
  tick(): number {
    const units = this.units.filter((u) => u.alive);
    for (const u of units) [u.startX, u.startY] = [u.x, u.y];
    for (const u of units) this.refreshTarget(u);
    this.gatherCandidates();
    for (const u of units) this.prepareVelocity(u);
    this.velocity.update(units, this.maxRadius);
    let reward = 0;
    for (const u of this.order ? this.order(units) : this.rng.shuffle([...units])) {
      if (u.hp === 0) continue; // killed earlier this tick: neither moves nor acts
      u.vx = u.nextVx;
      u.vy = u.nextVy;
      u.vIsF32 = u.nextIsF32;
      u.x = f32(u.x + u.vx * TICK);
      u.y = f32(u.y + u.vy * TICK);
      u.tickTimers();
      reward += this.act(u);
    }
    for (const u of units) if (u.hp === 0) u.removed = true;
    return reward;
  }
}

/** Re-exported for the environment: commands allies can be given. */
export type { Command };
