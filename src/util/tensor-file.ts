/**
 * A small self-describing container for named typed arrays plus JSON metadata: the on-disk format of
 * checkpoints and snapshots. Layout:
 *
 *   magic "MASTTF01" (8 bytes) | header length L (uint32 LE) | header JSON (L bytes, UTF-8)
 *   | payload (the arrays, each 8-byte aligned, little-endian)
 *
 * The header records every array's dtype, shape, offset and length, the payload length and its
 * CRC-32, so a truncated or corrupted file is rejected with a clear error rather than loaded.
 */
import { readFileSync, existsSync, openSync, readSync, closeSync } from 'node:fs';
import { CheckpointError } from './errors.js';
import { writeFileAtomic } from './atomic.js';
import { crc32 } from './crc32.js';

const MAGIC = 'MASTTF01';

/** Element types a tensor file can hold. */
export type TensorDType = 'float32' | 'int32' | 'uint8' | 'uint32';

/** A typed array of one of the supported dtypes. */
export type TypedArray = Float32Array | Int32Array | Uint8Array | Uint32Array;

/** A named array with its logical shape. */
export interface StoredArray {
  shape: number[];
  data: TypedArray;
}

interface HeaderEntry {
  dtype: TensorDType;
  shape: number[];
  offset: number;
  length: number;
}

interface Header {
  meta: unknown;
  arrays: Record<string, HeaderEntry>;
  payloadBytes: number;
  payloadCrc32: number;
}

function dtypeOf(data: TypedArray): TensorDType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint32Array) return 'uint32';
  throw new TypeError('tensor file: unsupported array type');
}

const CTOR = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, uint32: Uint32Array } as const;

/** Serialise metadata and arrays to bytes. */
export function encodeTensorFile(meta: unknown, arrays: Record<string, StoredArray>): Uint8Array {
  const entries: Record<string, HeaderEntry> = {};
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(arrays)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new RangeError(`tensor file: array '${name}' has ${data.length} elements but shape [${shape}] needs ${size}`);
    }
    entries[name] = { dtype: dtypeOf(data), shape, offset, length: data.length };
    offset += Math.ceil(data.byteLength / 8) * 8;
  }
  const payload = new Uint8Array(offset);
  for (const [name, { data }] of Object.entries(arrays)) {
    const e = entries[name] as HeaderEntry;
    payload.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), e.offset);
  }
  const header: Header = { meta, arrays: entries, payloadBytes: payload.length, payloadCrc32: crc32(payload) };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + 4 + headerBytes.length + payload.length);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  out.set(payload, 12 + headerBytes.length);
  return out;
}

const DAMAGED = 'the file is damaged; restore it from a copy or re-create it (for a run: train again or resume from an earlier checkpoint)';

/** The header's length in bytes, from the first 12 bytes of a tensor file (magic bytes checked). */
function headerLength(head: Uint8Array, what: string): number {
  if (head.length < 12 || Buffer.from(head.subarray(0, 8)).toString('latin1') !== MAGIC) {
    throw new CheckpointError(`${what} is not a MAST tensor file (bad magic bytes)`, { hint: DAMAGED });
  }
  return new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(8, true);
}

/** The header from its JSON bytes (`length` of them expected). */
function parseHeader(json: Uint8Array, length: number, what: string): Header {
  if (json.length < length) throw new CheckpointError(`${what} is truncated (header cut short)`, { hint: DAMAGED });
  try {
    return JSON.parse(Buffer.from(json).toString('utf8')) as Header;
  } catch (err) {
    throw new CheckpointError(`${what} has a corrupt header`, { hint: DAMAGED, cause: err });
  }
}

/**
 * One header entry must describe an array inside the payload: a known dtype, a shape of non-negative
 * integers whose product is its length, an offset aligned to its element size, and an end within
 * the payload (otherwise the typed-array constructor would throw an internal error, or allocate).
 */
function checkEntry(name: string, e: HeaderEntry, payloadBytes: number, what: string): void {
  const bad = (detail: string): never => {
    throw new CheckpointError(`${what} has a corrupt header: array '${name}' ${detail}`, { hint: DAMAGED });
  };
  if (!e || typeof e !== 'object') bad('has no description');
  if (!Object.prototype.hasOwnProperty.call(CTOR, e.dtype)) bad(`has unknown dtype '${String(e.dtype)}'; expected one of ${Object.keys(CTOR).join(', ')}`);
  const width = CTOR[e.dtype].BYTES_PER_ELEMENT;
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`has shape ${JSON.stringify(e.shape)}; expected non-negative integers`);
  if (!Number.isSafeInteger(e.length) || e.length < 0 || e.shape.reduce((a, b) => a * b, 1) !== e.length) bad(`has length ${e.length} for shape [${e.shape}]`);
  if (!Number.isSafeInteger(e.offset) || e.offset < 0 || e.offset % width !== 0) bad(`has offset ${e.offset}; expected a multiple of ${width}`);
  if (e.offset + e.length * width > payloadBytes) bad(`ends at byte ${e.offset + e.length * width}, past the payload's ${payloadBytes}`);
}

/** Parse bytes written by {@link encodeTensorFile}; `what` names the file in error messages. */
export function decodeTensorFile(bytes: Uint8Array, what: string): { meta: unknown; arrays: Record<string, StoredArray> } {
  const headerLen = headerLength(bytes, what);
  const header = parseHeader(bytes.subarray(12, 12 + headerLen), headerLen, what);
  const payload = bytes.subarray(12 + headerLen);
  if (payload.length !== header.payloadBytes) {
    throw new CheckpointError(`${what} is truncated: payload has ${payload.length} bytes, header says ${header.payloadBytes}`, { hint: DAMAGED });
  }
  if (crc32(payload) !== header.payloadCrc32) throw new CheckpointError(`${what} is corrupt (CRC-32 mismatch)`, { hint: DAMAGED });
  const aligned = new Uint8Array(payload); // copy: typed-array views need aligned offsets
  const arrays: Record<string, StoredArray> = {};
  for (const [name, e] of Object.entries(header.arrays ?? {})) {
    checkEntry(name, e, aligned.length, what);
    const Ctor = CTOR[e.dtype];
    arrays[name] = { shape: e.shape, data: new Ctor(aligned.buffer, e.offset, e.length) };
  }
  return { meta: header.meta, arrays };
}

/** Write a tensor file atomically. */
export function writeTensorFile(path: string, meta: unknown, arrays: Record<string, StoredArray>): void {
  writeFileAtomic(path, encodeTensorFile(meta, arrays));
}

/** Read a tensor file, with a clear error when it is missing, truncated or corrupt. */
export function readTensorFile(path: string): { meta: unknown; arrays: Record<string, StoredArray> } {
  if (!existsSync(path)) throw new CheckpointError(`${path} does not exist`);
  return decodeTensorFile(readFileSync(path), path);
}

/**
 * Only the metadata of a tensor file, reading its header and not the arrays (a run's checkpoint holds
 * its replay buffer: tens of megabytes). The payload is not checked; use {@link readTensorFile} to load.
 */
export function readTensorFileMeta(path: string): unknown {
  if (!existsSync(path)) throw new CheckpointError(`${path} does not exist`);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    const headerLen = headerLength(head.subarray(0, readSync(fd, head, 0, 12, 0)), path);
    const json = Buffer.alloc(headerLen);
    return parseHeader(json.subarray(0, readSync(fd, json, 0, headerLen, 12)), headerLen, path).meta;
  } finally {
    closeSync(fd);
  }
}
