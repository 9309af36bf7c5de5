/**
 * One unit on the battlefield and the rules that act on it alone: damage through shields and armor,
 * shield recharge, zerg regeneration, medivac energy and healing. SMAClite's rules (its `unit.py`):
 * - every attack of a volley is resolved separately: shields absorb first (shields have no armor),
 *   the rest loses `armor` and comes off hit points;
 *   damaging an enemy earns what was absorbed or dealt, plus 10 for a kill; allies taking damage
 *   earn nothing (SMAC's `reward_only_positive`);
 * - shields recharge at 2/s once 10 s have passed since the last hit;
 * - a medivac heals 9 hp/s, paying 1 energy per 3 hp; it regains 0.5625 energy/s.
 */
import type { UnitStats } from './units.js';
import { f32, insideCircle32, kdDistance } from './numeric.js';

/** Simulation ticks per second of game time (SMAClite: 16). */
export const TICKS_PER_SECOND = 16;
/** Seconds per tick. */
export const TICK = 1 / TICKS_PER_SECOND;
/** Reward for killing an enemy unit (before normalisation). */
export const KILL_REWARD = 10;

const SHIELD_DELAY = 10;
const SHIELD_PER_SECOND = 2;
const HEAL_PER_SECOND = 9;
const HEAL_PER_ENERGY = 3;
const ENERGY_PER_SECOND = 0.5625;

/** What a unit is doing. */
export type Command =
  | { kind: 'noop' }
  | { kind: 'stop' }
  | { kind: 'move'; x: number; y: number }
  | { kind: 'attack'; target: Unit }
  | { kind: 'attack-move'; x: number; y: number };

/** A unit and its mutable state. */
export class Unit {
  hp: number;
  shield: number;
  energy: number;
  /** Seconds until the next volley. */
  cooldown = 0;
  /** Seconds until shields start to recharge. */
  shieldDelay = 0;
  /** Hit points a medivac has paid energy for but not yet healed. */
  healingBanked = 0;
  command: Command = { kind: 'stop' };
  target: Unit | null = null;
  previousTarget: Unit | null = null;
  /** Set while in range of its target this tick (it stands still and fires when ready). */
  attacking = false;
  /** The unit it fires at (or heals) this tick when `attacking`: an attack order's target, dead or alive. */
  fireAt: Unit | null = null;
  /** Set at the end of the tick it died in; a removed unit never comes back, even if healed. */
  removed = false;
  /** Candidates the built-in AI may pick from this tick, with their distance (2e9: "is attacking me"). */
  potentialTargets: Array<[Unit, number]> = [];
  priorityTargets: Array<[Unit, number]> = [];
  /** Position at the start of the tick (where SMAClite's KD-trees, rebuilt between ticks, see it). */
  startX: number;
  startY: number;
  /** Velocity of the last tick (map units per second), and whether SMAClite holds it as float32. */
  vx = 0;
  vy = 0;
  vIsF32 = true;
  /** Preferred velocity of this tick, and whether numpy would hold it in single precision. */
  prefX = 0;
  prefY = 0;
  prefIsF32 = false;
  /** ORCA's velocity for this tick, applied when the unit's turn comes. */
  nextVx = 0;
  nextVy = 0;
  nextIsF32 = false;

  constructor(
    readonly stats: UnitStats,
    readonly faction: 'ally' | 'enemy',
    /** Index among its faction: the agent id for allies, the target slot for enemies. */
    readonly index: number,
    /** Position, in single precision as SMAClite stores it. */
    public x: number,
    public y: number,
    /** Placement order over both sides (SMAClite's unit id): the order units are visited in. */
    readonly id: number = index,
  ) {
    this.x = f32(x);
    this.y = f32(y);
    this.startX = this.x;
    this.startY = this.y;
    this.hp = stats.hp;
    this.shield = stats.shield;
    this.energy = stats.startingEnergy;
  }

  get radius(): number {
    return this.stats.size / 2;
  }

  get alive(): boolean {
    return this.hp > 0 && !this.removed;
  }

  /** Maximum speed (map units per second). */
  get speed(): number {
    return this.stats.speed;
  }

  /** Centre-to-centre distance to another unit (as SMAClite's KD-tree measures it). */
  distanceTo(other: Unit): number {
    return kdDistance(this.x, this.y, other.x, other.y);
  }

  /** Whether `target` is within attack range (range plus both radii, centre to centre; float32 as SMAClite). */
  inAttackRange(target: Unit): boolean {
    return insideCircle32(this.x, this.y, target.x, target.y, this.stats.range + target.radius + this.radius);
  }

  /** Whether this unit's weapon can hit `target`'s plane (zealots cannot hit a medivac). */
  canHit(target: Unit): boolean {
    return this.stats.targets.includes(target.stats.plane);
  }

  /**
   * Take one attack of `amount` (bonus already added): shields first, then hit points less armor.
   * @returns the reward it earns the attacker: absorbed + dealt (+10 on a kill) for an enemy, 0 for an ally.
   */
  takeDamage(amount: number): number {
    if (this.hp === 0) return 0;
    if (this.stats.shield > 0) this.shieldDelay = SHIELD_DELAY;
    let earned = 0;
    if (this.shield > 0) {
      const absorbed = Math.min(amount, this.shield);
      this.shield -= absorbed;
      amount -= absorbed;
      earned += absorbed;
    }
    const dealt = Math.max(0, Math.min(amount - this.stats.armor, this.hp));
    this.hp -= dealt;
    earned += dealt;
    if (this.faction === 'ally') return 0;
    return this.hp === 0 ? earned + KILL_REWARD : earned;
  }

  /** One volley against `target`: every attack carries the damage plus bonuses for its attributes. */
  dealDamage(target: Unit): number {
    let damage = this.stats.damage;
    for (const [attribute, bonus] of Object.entries(this.stats.bonuses)) {
      if (target.stats.attributes.includes(attribute as never)) damage += bonus as number;
    }
    let earned = 0;
    for (let k = 0; k < this.stats.attacks; k++) earned += target.takeDamage(damage);
    return earned;
  }

  /** One tick of medivac healing on `target` (SMAClite's `heal`). */
  heal(target: Unit): void {
    if ((this.previousTarget !== this.target && this.energy < 5) || target.hp >= target.stats.hp) {
      this.target = null;
      return;
    }
    const wanted = Math.min(target.stats.hp - target.hp, HEAL_PER_SECOND / TICKS_PER_SECOND);
    if (this.healingBanked < wanted) {
      const spent = Math.min(1, this.energy);
      this.energy -= spent;
      this.healingBanked += spent * HEAL_PER_ENERGY;
    }
    const healed = Math.min(wanted, this.healingBanked);
    this.healingBanked -= healed;
    target.hp += healed;
  }

  /** Timers and regeneration of one tick: cooldown, shield delay and recharge, energy, hp regen. */
  tickTimers(): void {
    if (this.cooldown > 0) this.cooldown = Math.max(0, this.cooldown - TICK);
    if (this.shieldDelay > 0) this.shieldDelay = Math.max(0, this.shieldDelay - TICK);
    if (this.shieldDelay === 0 && this.shield < this.stats.shield)
      this.shield = Math.min(this.shield + SHIELD_PER_SECOND * TICK, this.stats.shield);
    if (this.energy < this.stats.energy)
      this.energy = Math.min(this.energy + ENERGY_PER_SECOND * TICK, this.stats.energy);
    if (this.stats.hpRegen > 0 && this.hp < this.stats.hp)
      this.hp = Math.min(this.hp + this.stats.hpRegen * TICK, this.stats.hp);
  }
}
