/** Option parsers shared by the commands; each throws commander's InvalidArgumentError with the bound it checks. */
import { InvalidArgumentError } from 'commander';
import { BACKEND_NAMES } from '../src/marl/backend-names.js';

/** An integer ≥ `min`. */
export function intAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[-+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${value}'`);
    }
    return n;
  };
}

/** A number in the interval (low, high]. */
export function numberIn(low: number, high: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= low || n > high) {
      throw new InvalidArgumentError(`expected a number in (${low}, ${high}], got '${value}'`);
    }
    return n;
  };
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(names: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(names as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${names.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

/** The `--backend` option's parser. */
export const backendOption = oneOf(BACKEND_NAMES);

/** Help text for `--backend`. */
export const BACKEND_HELP = `tfjs backend: ${BACKEND_NAMES.join(' | ')} (tensorflow needs the optional @tensorflow/tfjs-node)`;

/** A comma-separated list (`a,b,c`), each item checked by `item`. */
export function listOf<T>(item: (value: string) => T): (value: string) => T[] {
  return (value) => value.split(',').map((v) => item(v.trim()));
}
