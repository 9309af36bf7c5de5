/**
 * Damage for the run-file fuzz suite, all drawn from a seeded {@link Rng}: byte-level damage (bit
 * flips, overwritten, inserted, deleted or repeated ranges, truncation) and semantic damage to JSON
 * values (a field replaced by a value of another type or range, removed, or joined by an unknown key).
 */
import { Rng } from '../../src/util/rng.js';

/** One damaged copy of `bytes` and what was done to it (for the failure message). */
export interface Damaged {
  bytes: Buffer;
  what: string;
}

/** Byte-level damage: one of six kinds, at a random place. */
export function damageBytes(bytes: Uint8Array, rng: Rng): Damaged {
  const b = Buffer.from(bytes);
  const at = rng.int(b.length);
  const span = 1 + rng.int(Math.min(64, b.length - at));
  switch (rng.int(6)) {
    case 0: {
      const bit = rng.int(8);
      b[at] = b[at]! ^ (1 << bit);
      return { bytes: b, what: `bit ${bit} of byte ${at} flipped` };
    }
    case 1:
      for (let i = at; i < at + span; i++) b[i] = rng.int(256);
      return { bytes: b, what: `${span} bytes at ${at} overwritten` };
    case 2:
      return { bytes: b.subarray(0, at), what: `truncated to ${at} bytes` };
    case 3:
      return {
        bytes: Buffer.concat([
          b.subarray(0, at),
          Buffer.from(Array.from({ length: span }, () => rng.int(256))),
          b.subarray(at),
        ]),
        what: `${span} bytes inserted at ${at}`,
      };
    case 4:
      return {
        bytes: Buffer.concat([b.subarray(0, at), b.subarray(at + span)]),
        what: `${span} bytes deleted at ${at}`,
      };
    default:
      return {
        bytes: Buffer.concat([b.subarray(0, at + span), b.subarray(at)]),
        what: `${span} bytes at ${at} repeated`,
      };
  }
}

/** Values of the wrong type or range that a JSON field may be replaced by. */
const ODD_VALUES: unknown[] = [
  null,
  -1,
  0,
  0.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  '',
  'x',
  'NaN',
  [],
  [1, 'a'],
  {},
  { a: 1 },
  true,
  false,
  4294967296,
  -0.0001,
];

/** Every path (list of keys) into a JSON value, the root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v !== null && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

/**
 * Semantic damage to a JSON value: a field replaced, removed, or an unknown key added (a deep copy is
 * changed). Paths through a key named `avoid` are left out (e.g. the config a snapshot carries, so
 * that the damage lands on its structure).
 */
export function damageJson(value: unknown, rng: Rng, avoid?: string): { value: unknown; what: string } {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const all = paths(copy).filter((p) => avoid === undefined || !p.slice(0, -1).includes(avoid));
  if (all.length === 0) return { value: ODD_VALUES[rng.int(ODD_VALUES.length)], what: 'the whole value replaced' };
  const path = all[rng.int(all.length)]!;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
  const key = path[path.length - 1]!;
  const kind = rng.int(5);
  if (kind === 0 && !Array.isArray(parent)) {
    delete parent[key];
    return { value: copy, what: `${path.join('.')} removed` };
  }
  if (kind === 1 && !Array.isArray(parent)) {
    parent[`unknown${rng.int(100)}`] = 1;
    return { value: copy, what: `an unknown key beside ${path.join('.')}` };
  }
  const odd = ODD_VALUES[rng.int(ODD_VALUES.length)];
  parent[key] = odd;
  return { value: copy, what: `${path.join('.')} = ${JSON.stringify(odd)}` };
}

/** Command-line values no option accepts as they are, and some it does (the parsers must tell them apart). */
const ODD_ARGS = [
  '',
  ' ',
  '-1',
  '0',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  '١٢',
  'ten',
  '9'.repeat(40),
  '--',
  '-',
  '1,2,,3',
  ',',
  'x'.repeat(300),
  '2.',
  '+3',
  '1e3',
  'null',
];

/** A random command-line value: odd most of the time, sometimes a plausible one. */
export function oddArg(rng: Rng): string {
  return ODD_ARGS[rng.int(ODD_ARGS.length)]!;
}
