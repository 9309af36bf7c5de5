/**
 * Maps of the SMAC-style combat environments, as data: a 32×32 arena, unit groups placed in square
 * formations, the point the enemy attack-moves to, a terrain preset, and SMAC's episode limit. The
 * groups (in SMAClite's order: units are placed, and numbered within their side, group by group and
 * type by type as listed), positions and terrains follow SMAClite's map files; `3m` and `8m` (not
 * shipped with SMAClite) are built the same way as its `10m_vs_11m`. Add a map by adding an entry to
 * {@link MAPS}.
 */

/** A block of units placed together (a square formation centred on x, y). */
export interface MapGroup {
  faction: 'ally' | 'enemy';
  x: number;
  y: number;
  /** Unit type name → count, in placement (and numbering) order. */
  units: ReadonlyArray<[string, number]>;
}

/** Walkable rows of a terrain: [y0, y1) × the x-intervals [x0, x1) listed. */
export type TerrainRows = ReadonlyArray<{ y0: number; y1: number; x: ReadonlyArray<[number, number]> }>;

/** A combat map. */
export interface CombatMap {
  groups: readonly MapGroup[];
  /** Where the enemy attack-moves (the allies' starting area). */
  attackPoint: [number, number];
  terrain: TerrainRows;
  /** SMAC's episode limit in environment steps. */
  episodeLimit: number;
  /** Unit types in one-hot order (SMAClite's `unit_type_ids`); a single type gets no one-hot. */
  unitTypes: readonly string[];
}

/** The arena side (SMAClite maps are 32 × 32). */
export const MAP_SIZE = 32;

const FULL: [number, number] = [0, MAP_SIZE];

/** Terrain presets, as walkable intervals (SMAClite's `.slt` files, rows counted from the bottom). */
export const TERRAINS: Readonly<Record<string, TerrainRows>> = {
  /** A 26×26 open interior inside a blocked ring two cells wide, inside an (unreachable) walkable rim. */
  all_green: [
    { y0: 0, y1: 1, x: [FULL] },
    {
      y0: 1,
      y1: 3,
      x: [
        [0, 1],
        [31, 32],
      ],
    },
    {
      y0: 3,
      y1: 29,
      x: [
        [0, 1],
        [3, 29],
        [31, 32],
      ],
    },
    {
      y0: 29,
      y1: 31,
      x: [
        [0, 1],
        [31, 32],
      ],
    },
    { y0: 31, y1: 32, x: [FULL] },
  ],
  /** A 16-high band across the middle. */
  simple: [{ y0: 8, y1: 24, x: [FULL] }],
  /** Two rounded lanes either side of a wall at y = 12 that is open only at both ends. */
  ravine: [
    { y0: 6, y1: 7, x: [[3, 29]] },
    { y0: 7, y1: 8, x: [[2, 30]] },
    { y0: 8, y1: 9, x: [[1, 31]] },
    { y0: 9, y1: 12, x: [FULL] },
    {
      y0: 12,
      y1: 13,
      x: [
        [0, 4],
        [28, 32],
      ],
    },
    { y0: 13, y1: 17, x: [FULL] },
    { y0: 17, y1: 18, x: [[1, 31]] },
    { y0: 18, y1: 19, x: [[2, 30]] },
    { y0: 19, y1: 20, x: [[3, 29]] },
  ],
  /** A pentagon-shaped plateau, narrowing towards the top. */
  pentagon: [
    { y0: 7, y1: 8, x: [[8, 20]] },
    { y0: 8, y1: 20, x: [[7, 21]] },
    { y0: 20, y1: 21, x: [[8, 20]] },
    { y0: 21, y1: 22, x: [[9, 19]] },
    { y0: 22, y1: 23, x: [[10, 18]] },
    { y0: 23, y1: 24, x: [[11, 17]] },
    { y0: 24, y1: 25, x: [[12, 16]] },
  ],
  /** An octagonal arena, 22 wide at its widest (bane_vs_bane). */
  octagon: [
    { y0: 5, y1: 6, x: [[10, 22]] },
    { y0: 6, y1: 7, x: [[9, 23]] },
    { y0: 7, y1: 8, x: [[8, 24]] },
    { y0: 8, y1: 9, x: [[7, 25]] },
    { y0: 9, y1: 10, x: [[6, 26]] },
    { y0: 10, y1: 22, x: [[5, 27]] },
    { y0: 22, y1: 23, x: [[6, 26]] },
    { y0: 23, y1: 24, x: [[7, 25]] },
    { y0: 24, y1: 25, x: [[8, 24]] },
    { y0: 25, y1: 26, x: [[9, 23]] },
    { y0: 26, y1: 27, x: [[10, 22]] },
  ],
  /** Two plateaus, top right and bottom left, joined by a narrow diagonal pass near (13, 13) (corridor). */
  corridor: [
    { y0: 1, y1: 2, x: [[2, 14]] },
    { y0: 2, y1: 3, x: [[1, 14]] },
    { y0: 3, y1: 11, x: [[1, 13]] },
    { y0: 11, y1: 12, x: [[1, 14]] },
    { y0: 12, y1: 13, x: [[2, 15]] },
    { y0: 13, y1: 14, x: [[11, 26]] },
    { y0: 14, y1: 15, x: [[12, 27]] },
    { y0: 15, y1: 16, x: [[13, 28]] },
    { y0: 16, y1: 17, x: [[13, 29]] },
    { y0: 17, y1: 18, x: [[12, 30]] },
    { y0: 18, y1: 22, x: [[11, 31]] },
    { y0: 22, y1: 23, x: [[12, 31]] },
    { y0: 23, y1: 24, x: [[13, 31]] },
    { y0: 24, y1: 25, x: [[14, 31]] },
    { y0: 25, y1: 26, x: [[15, 31]] },
    { y0: 26, y1: 27, x: [[16, 31]] },
    { y0: 27, y1: 28, x: [[17, 31]] },
    { y0: 28, y1: 29, x: [[18, 31]] },
    { y0: 29, y1: 30, x: [[19, 31]] },
    { y0: 30, y1: 31, x: [[20, 30]] },
  ],
};

/** Two armies facing each other across the `simple` band (SMAClite's symmetric maps). */
function mirror(units: ReadonlyArray<[string, number]>, episodeLimit: number, enemy = units): CombatMap {
  const types = [...new Set([...units, ...enemy].map(([t]) => t))].sort();
  return {
    groups: [
      { faction: 'ally', x: 9, y: 16, units },
      { faction: 'enemy', x: 23, y: 16, units: enemy },
    ],
    attackPoint: [9, 16],
    terrain: TERRAINS.simple as TerrainRows,
    episodeLimit,
    unitTypes: types.length > 1 ? types : [],
  };
}

/** Every map, by name (`smaclite/<name>`). */
export const MAPS: Readonly<Record<string, CombatMap>> = {
  '3m': mirror([['marine', 3]], 60),
  '8m': mirror([['marine', 8]], 120),
  '10m_vs_11m': mirror([['marine', 10]], 150, [['marine', 11]]),
  '2s3z': mirror(
    [
      ['stalker', 2],
      ['zealot', 3],
    ],
    120,
  ),
  '3s5z': mirror(
    [
      ['stalker', 3],
      ['zealot', 5],
    ],
    150,
  ),
  // SMAClite lists the medivac first: agent 0 and enemy 0 are medivacs
  MMM: mirror(
    [
      ['medivac', 1],
      ['marine', 7],
      ['marauder', 2],
    ],
    150,
  ),
  MMM2: mirror(
    [
      ['medivac', 1],
      ['marine', 7],
      ['marauder', 2],
    ],
    180,
    [
      ['medivac', 1],
      ['marine', 8],
      ['marauder', 3],
    ],
  ),
  '27m_vs_30m': mirror([['marine', 27]], 180, [['marine', 30]]),
  '3s5z_vs_3s6z': mirror(
    [
      ['stalker', 3],
      ['zealot', 5],
    ],
    170,
    [
      ['stalker', 3],
      ['zealot', 6],
    ],
  ),
  '3s_vs_5z': {
    ...mirror([['stalker', 3]], 250, [['zealot', 5]]),
    terrain: TERRAINS.all_green as TerrainRows,
    unitTypes: [],
  },
  '2s_vs_1sc': {
    groups: [
      { faction: 'enemy', x: 13.92, y: 20.04, units: [['spine_crawler', 1]] },
      { faction: 'ally', x: 11.12, y: 10.34, units: [['stalker', 1]] },
      { faction: 'ally', x: 16.98, y: 10.37, units: [['stalker', 1]] },
    ],
    attackPoint: [13.92, 20.04],
    terrain: TERRAINS.pentagon as TerrainRows,
    episodeLimit: 300,
    unitTypes: [],
  },
  '2c_vs_64zg': {
    groups: [
      { faction: 'ally', x: 16, y: 16, units: [['colossus', 2]] },
      { faction: 'enemy', x: 16, y: 9, units: [['zergling', 64]] },
    ],
    attackPoint: [16, 16],
    terrain: TERRAINS.ravine as TerrainRows,
    episodeLimit: 400,
    unitTypes: [],
  },
  // four groups stacked on one vertical line: enemy banelings, enemy zerglings | ally zerglings, ally banelings
  // (allies 0–19 are zerglings, 20–23 banelings; enemies 0–3 banelings, 4–23 zerglings)
  bane_vs_bane: {
    groups: [
      { faction: 'enemy', x: 16, y: 24, units: [['baneling', 4]] },
      { faction: 'enemy', x: 16, y: 21, units: [['zergling', 20]] },
      { faction: 'ally', x: 16, y: 11, units: [['zergling', 20]] },
      { faction: 'ally', x: 16, y: 8, units: [['baneling', 4]] },
    ],
    attackPoint: [16, 8],
    terrain: TERRAINS.octagon as TerrainRows,
    episodeLimit: 200,
    unitTypes: ['baneling', 'zergling'],
  },
  // six zealots on the upper plateau; 24 zerglings come down from the top-right corner and attack-move
  // through them to the lower-left plateau. SMAClite declares no unit types here (no one-hot)
  corridor: {
    groups: [
      { faction: 'enemy', x: 27.91, y: 28.24, units: [['zergling', 24]] },
      { faction: 'ally', x: 19.04, y: 19.12, units: [['zealot', 6]] },
    ],
    attackPoint: [4.47, 4.33],
    terrain: TERRAINS.corridor as TerrainRows,
    episodeLimit: 400,
    unitTypes: [],
  },
};

/** Whether the point (x, y) is on walkable ground. */
export function walkable(terrain: TerrainRows, x: number, y: number): boolean {
  if (!(x >= 0 && x < MAP_SIZE && y >= 0 && y < MAP_SIZE)) return false;
  const cx = Math.floor(x);
  const cy = Math.floor(y);
  return terrain.some((r) => cy >= r.y0 && cy < r.y1 && r.x.some(([x0, x1]) => cx >= x0 && cx < x1));
}
