/**
 * Unit types of the SMAC-style combat environments: SMAClite's unit statistics (Liquipedia's
 * Legacy-of-the-Void figures at "faster" game speed), as data. A unit's `size` is its diameter in
 * map units; ranges are measured between edges (range + both radii between centres).
 */

/** SC2 attributes that bonus damage keys on. */
export type Attribute = 'light' | 'armored' | 'massive' | 'biological' | 'mechanical' | 'structure';

/** Ground units collide with each other and with terrain; air units do neither. */
export type Plane = 'ground' | 'air';

/** How a unit's attack lands. */
export type Targeter =
  | { kind: 'standard' }
  /** Medivac: heals instead of damaging. */
  | { kind: 'heal' }
  /** Baneling: explodes on its first attack, hitting every enemy within `radius` (+ their radius), and dies. */
  | { kind: 'kamikaze'; radius: number }
  /** Colossus: a beam `width` long and `height` thick, across the line of fire, centred on the target. */
  | { kind: 'beam'; width: number; height: number };

/** Statistics of one unit type. */
export interface UnitStats {
  name: string;
  hp: number;
  shield: number;
  armor: number;
  /** Damage per attack, before bonuses and armor. */
  damage: number;
  /** Attacks per volley (zealot and colossus hit twice). */
  attacks: number;
  /** Extra damage per attack against targets with an attribute. */
  bonuses: Partial<Record<Attribute, number>>;
  /** Seconds between volleys. */
  cooldown: number;
  /** Map units per second. */
  speed: number;
  /** Attack (or heal) range between edges; melee is 0.1. */
  range: number;
  /** Diameter. */
  size: number;
  /** Distance within which the built-in AI picks targets (SMAClite's `minimum_scan_range`: 5). */
  scanRange: number;
  attributes: readonly Attribute[];
  plane: Plane;
  /** Planes this unit can attack. */
  targets: readonly Plane[];
  targeter: Targeter;
  /** Hit points regenerated per second (zerg). */
  hpRegen: number;
  /** Energy cap and starting energy (medivac). */
  energy: number;
  startingEnergy: number;
}

const MELEE = 0.1;

function unit(
  name: string,
  s: Partial<UnitStats> & Pick<UnitStats, 'hp' | 'damage' | 'cooldown' | 'speed' | 'range' | 'size' | 'attributes'>,
): UnitStats {
  return {
    name,
    shield: 0,
    armor: 0,
    attacks: 1,
    bonuses: {},
    scanRange: 5,
    plane: 'ground',
    targets: ['ground'],
    targeter: { kind: 'standard' },
    hpRegen: 0,
    energy: 0,
    startingEnergy: 0,
    ...s,
  };
}

/** The standard unit types, by name. */
export const UNIT_TYPES: Readonly<Record<string, UnitStats>> = {
  marine: unit('marine', {
    hp: 45,
    damage: 6,
    cooldown: 0.61,
    speed: 3.15,
    range: 5,
    size: 0.75,
    attributes: ['light', 'biological'],
    targets: ['ground', 'air'],
  }),
  marauder: unit('marauder', {
    hp: 125,
    armor: 1,
    damage: 10,
    bonuses: { armored: 10 },
    cooldown: 1.07,
    speed: 3.15,
    range: 6,
    size: 1.125,
    attributes: ['armored', 'biological'],
  }),
  medivac: unit('medivac', {
    hp: 150,
    armor: 1,
    damage: 0,
    cooldown: 0,
    speed: 3.5,
    range: 4,
    size: 1.5,
    attributes: ['armored', 'mechanical'],
    plane: 'air',
    targeter: { kind: 'heal' },
    energy: 200,
    startingEnergy: 50,
  }),
  stalker: unit('stalker', {
    hp: 80,
    shield: 80,
    armor: 1,
    damage: 13,
    bonuses: { armored: 5 },
    cooldown: 1.34,
    speed: 4.13,
    range: 6,
    size: 1.25,
    attributes: ['armored', 'mechanical'],
    targets: ['ground', 'air'],
  }),
  zealot: unit('zealot', {
    hp: 100,
    shield: 50,
    armor: 1,
    damage: 8,
    attacks: 2,
    cooldown: 0.86,
    speed: 3.15,
    range: MELEE,
    size: 1,
    attributes: ['light', 'biological'],
  }),
  colossus: unit('colossus', {
    hp: 200,
    shield: 150,
    armor: 1,
    damage: 10,
    attacks: 2,
    bonuses: { light: 5 },
    cooldown: 1.07,
    speed: 3.15,
    range: 7,
    size: 2,
    attributes: ['armored', 'mechanical', 'massive'],
    targeter: { kind: 'beam', width: 2.8, height: 0.3 },
  }),
  zergling: unit('zergling', {
    hp: 35,
    damage: 5,
    cooldown: 0.497,
    speed: 4.13,
    range: MELEE,
    size: 0.75,
    attributes: ['light', 'biological'],
    hpRegen: 0.38,
  }),
  baneling: unit('baneling', {
    hp: 30,
    damage: 80,
    cooldown: 1,
    speed: 3.15,
    range: 0.25,
    size: 0.75,
    attributes: ['biological'],
    targeter: { kind: 'kamikaze', radius: 2.2 },
    hpRegen: 0.38,
  }),
  spine_crawler: unit('spine_crawler', {
    hp: 300,
    armor: 2,
    damage: 25,
    bonuses: { armored: 5 },
    cooldown: 1.32,
    speed: 0,
    range: 7,
    size: 1,
    scanRange: 10,
    attributes: ['armored', 'biological', 'structure'],
    hpRegen: 0.38,
  }),
};

/** Whether a unit heals (medivac) rather than damages. */
export function isHealer(stats: UnitStats): boolean {
  return stats.targeter.kind === 'heal';
}
