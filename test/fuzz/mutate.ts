/**
 * Byte-level damage for fuzz tests, every choice drawn from the seeded {@link Rng} so a failing case
 * replays from its seed. Shared by the model fuzz suite and the run-directory fuzz suite.
 *
 * API: each mutator takes bytes and an Rng and returns new bytes (the input is never modified);
 * {@link BYTE_MUTATORS} names them; {@link mutateBytes} applies `count` random ones and says which.
 */
import { Rng } from '../../src/util/rng.js';

/** A byte-level mutation: returns new bytes, leaves `bytes` alone. */
export type Mutator = (bytes: Uint8Array, rng: Rng) => Uint8Array;

/** Bytes that often mean something to a decoder: zero, all-ones, varint continuation, sign bits, protobuf tags. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0x3a, 0x42, 0x4a];

const at = (bytes: Uint8Array, rng: Rng): number => (bytes.length === 0 ? 0 : rng.int(bytes.length));
const pick = <T>(items: readonly T[], rng: Rng): T => items[rng.int(items.length)] as T;

/** Flip one bit. */
export const flipBit: Mutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length > 0) {
    const i = at(out, rng);
    out[i] = (out[i] as number) ^ (1 << rng.int(8));
  }
  return out;
};

/** Set one byte to a random or an interesting value. */
export const setByte: Mutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length > 0) out[at(out, rng)] = rng.next() < 0.5 ? rng.int(256) : pick(INTERESTING, rng);
  return out;
};

/** Keep a random prefix. */
export const truncate: Mutator = (bytes, rng) => bytes.slice(0, at(bytes, rng));

/** Insert 1–16 random or interesting bytes at a random position. */
export const insertBytes: Mutator = (bytes, rng) => {
  const i = rng.int(bytes.length + 1);
  const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () =>
    rng.next() < 0.5 ? rng.int(256) : pick(INTERESTING, rng),
  );
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes.subarray(0, i), 0);
  out.set(extra, i);
  out.set(bytes.subarray(i), i + extra.length);
  return out;
};

/** Delete a run of 1–64 bytes. */
export const deleteRange: Mutator = (bytes, rng) => {
  const i = at(bytes, rng);
  const n = 1 + rng.int(64);
  const out = new Uint8Array(Math.max(0, bytes.length - Math.min(n, bytes.length - i)));
  out.set(bytes.subarray(0, i), 0);
  out.set(bytes.subarray(i + n), i);
  return out;
};

/** Copy a run of 1–64 bytes over another place in the file. */
export const duplicateRange: Mutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length < 2) return out;
  const from = at(out, rng);
  const n = Math.min(1 + rng.int(64), out.length - from);
  const to = rng.int(out.length - n + 1);
  out.set(bytes.subarray(from, from + n), to);
  return out;
};

/** Overwrite a varint-sized run (1–10 bytes) with 0xff…0x01: a huge length or count where one was. */
export const hugeVarint: Mutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length === 0) return out;
  const i = at(out, rng);
  const n = Math.min(1 + rng.int(10), out.length - i);
  for (let k = 0; k < n; k++) out[i + k] = k === n - 1 ? 0x01 : 0xff;
  return out;
};

/** Append 1–64 random bytes. */
export const appendGarbage: Mutator = (bytes, rng) => {
  const extra = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes, 0);
  out.set(extra, bytes.length);
  return out;
};

/** Every byte mutator by name. */
export const BYTE_MUTATORS: Readonly<Record<string, Mutator>> = {
  flipBit,
  setByte,
  truncate,
  insertBytes,
  deleteRange,
  duplicateRange,
  hugeVarint,
  appendGarbage,
};

/** Apply `count` mutators drawn from {@link BYTE_MUTATORS}; returns the damaged bytes and the mutators' names, in order. */
export function mutateBytes(bytes: Uint8Array, rng: Rng, count = 1): { bytes: Uint8Array; applied: string[] } {
  const names = Object.keys(BYTE_MUTATORS);
  let out = bytes;
  const applied: string[] = [];
  for (let k = 0; k < count; k++) {
    const name = pick(names, rng);
    out = (BYTE_MUTATORS[name] as Mutator)(out, rng);
    applied.push(name);
  }
  return { bytes: out, applied };
}
