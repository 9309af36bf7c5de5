/**
 * A small self-describing container for named typed arrays plus JSON metadata: the on-disk format of
 * checkpoints and snapshots. Layout (version 2, magic "MASTTF02"):
 *
 *   magic (8 bytes) | header length L (uint32 LE) | header CRC-32 (uint32 LE) | header JSON (L bytes,
 *   UTF-8) | payload (the arrays, each 8-byte aligned, little-endian)
 *
 * The header records every array's dtype, shape, offset and length, the payload length and its
 * CRC-32; the header's own CRC-32 covers the metadata (a checkpoint's step counters, RNG states,
 * config) and the array map, so a truncated, corrupted or edited file is rejected with a clear error
 * rather than loaded. Version 1 files ("MASTTF01": the same without the header CRC, written before
 * 2026-12-07) are still read, their header unchecked; everything written now is version 2.
 */
import { readFileSync, existsSync, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { writeFileAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { crc32 } from './crc32.js';

/** Magic bytes of the version written; {@link MAGIC_V1} files are read too. */
const MAGIC = 'MASTTF02';
const MAGIC_V1 = 'MASTTF01';
/** Bytes before the header JSON: magic, length, and (version 2) the header CRC. */
const PREFIX = { [MAGIC]: 16, [MAGIC_V1]: 12 } as const;

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
      throw new RangeError(
        `tensor file: array '${name}' has ${data.length} elements but shape [${shape}] needs ${size}`,
      );
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
  const prefix = PREFIX[MAGIC];
  const out = new Uint8Array(prefix + headerBytes.length + payload.length);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, headerBytes.length, true);
  view.setUint32(12, crc32(headerBytes), true);
  out.set(headerBytes, prefix);
  out.set(payload, prefix + headerBytes.length);
  return out;
}

const DAMAGED =
  'the file is damaged; restore it from a copy or re-create it (for a run: train again or resume from an earlier checkpoint)';

/** Where the header sits, from the first bytes of a tensor file (magic checked). */
interface HeaderPlace {
  /** Offset of the header JSON. */
  start: number;
  /** Its length in bytes. */
  length: number;
  /** Its CRC-32 (null in version 1 files, which have none). */
  crc: number | null;
}

/** The {@link HeaderPlace} from the first 16 (or more) bytes of a tensor file of `fileBytes` bytes. */
function headerPlace(head: Uint8Array, fileBytes: number, what: string): HeaderPlace {
  const magic = head.length >= 12 ? Buffer.from(head.subarray(0, 8)).toString('latin1') : '';
  if (magic !== MAGIC && magic !== MAGIC_V1) {
    throw new CheckpointError(`${what} is not a MAST tensor file (bad magic bytes)`, { hint: DAMAGED });
  }
  const start = PREFIX[magic];
  if (head.length < start) throw new CheckpointError(`${what} is truncated (header cut short)`, { hint: DAMAGED });
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const length = view.getUint32(8, true);
  if (start + length > fileBytes)
    throw new CheckpointError(
      `${what} is truncated (header cut short: ${length} bytes declared, ${fileBytes - start} in the file)`,
      { hint: DAMAGED },
    );
  return { start, length, crc: magic === MAGIC ? view.getUint32(12, true) : null };
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The header from its JSON bytes, its CRC and structure checked (every array inside `payloadBytes`). */
function parseHeader(json: Uint8Array, place: HeaderPlace, what: string): Header {
  if (json.length < place.length)
    throw new CheckpointError(`${what} is truncated (header cut short)`, { hint: DAMAGED });
  if (place.crc !== null && crc32(json) !== place.crc)
    throw new CheckpointError(`${what} is corrupt (header CRC-32 mismatch)`, { hint: DAMAGED });
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(json).toString('utf8')) as Header;
  } catch (err) {
    throw new CheckpointError(`${what} has a corrupt header`, { hint: DAMAGED, cause: err });
  }
  const bad = (why: string): never => {
    throw new CheckpointError(`${what} has a corrupt header (${why})`, { hint: DAMAGED });
  };
  if (header === null || typeof header !== 'object' || typeof header.arrays !== 'object' || header.arrays === null)
    bad('no array map');
  if (!isCount(header.payloadBytes) || !isCount(header.payloadCrc32)) bad('no payload length or CRC');
  for (const [name, e] of Object.entries(header.arrays)) checkEntry(name, e, header.payloadBytes, what);
  return header;
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
  if (!Object.prototype.hasOwnProperty.call(CTOR, e.dtype))
    bad(`has unknown dtype '${String(e.dtype)}'; expected one of ${Object.keys(CTOR).join(', ')}`);
  const width = CTOR[e.dtype].BYTES_PER_ELEMENT;
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    bad(`has shape ${JSON.stringify(e.shape)}; expected non-negative integers`);
  if (!Number.isSafeInteger(e.length) || e.length < 0 || e.shape.reduce((a, b) => a * b, 1) !== e.length)
    bad(`has length ${e.length} for shape [${e.shape}]`);
  if (!Number.isSafeInteger(e.offset) || e.offset < 0 || e.offset % width !== 0)
    bad(`has offset ${e.offset}; expected a multiple of ${width}`);
  if (e.offset + e.length * width > payloadBytes)
    bad(`ends at byte ${e.offset + e.length * width}, past the payload's ${payloadBytes}`);
}

/** Parse bytes written by {@link encodeTensorFile}; `what` names the file in error messages. */
export function decodeTensorFile(
  bytes: Uint8Array,
  what: string,
): { meta: unknown; arrays: Record<string, StoredArray> } {
  const place = headerPlace(bytes, bytes.length, what);
  const header = parseHeader(bytes.subarray(place.start, place.start + place.length), place, what);
  const payload = bytes.subarray(place.start + place.length);
  if (payload.length !== header.payloadBytes) {
    throw new CheckpointError(
      `${what} is truncated: payload has ${payload.length} bytes, header says ${header.payloadBytes}`,
      { hint: DAMAGED },
    );
  }
  if (crc32(payload) !== header.payloadCrc32)
    throw new CheckpointError(`${what} is corrupt (CRC-32 mismatch)`, { hint: DAMAGED });
  const aligned = new Uint8Array(payload); // copy: typed-array views need aligned offsets
  const arrays: Record<string, StoredArray> = {};
  for (const [name, e] of Object.entries(header.arrays ?? {})) {
    const Ctor = CTOR[e.dtype];
    arrays[name] = { shape: e.shape, data: new Ctor(aligned.buffer, e.offset, e.length) };
  }
  return { meta: header.meta, arrays };
}

/** Write a tensor file atomically. */
export function writeTensorFile(path: string, meta: unknown, arrays: Record<string, StoredArray>): void {
  writeFileAtomic(path, encodeTensorFile(meta, arrays));
}

/** Open `path` for reading: it must exist and be a regular file (not a directory, FIFO or device). */
function openRegular(path: string): { fd: number; bytes: number } {
  if (!existsSync(path)) throw new CheckpointError(`${path} does not exist`);
  const fd = openSync(path, 'r');
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new CheckpointError(`${path} is not a regular file`, {
      hint: 'give the path of a file written by the toolkit',
    });
  }
  return { fd, bytes: st.size };
}

/** Read a tensor file, with a clear error when it is missing, truncated or corrupt. */
export function readTensorFile(path: string): { meta: unknown; arrays: Record<string, StoredArray> } {
  const { fd } = openRegular(path);
  try {
    return decodeTensorFile(readFileSync(fd), path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Only the metadata of a tensor file, reading its header and not the arrays (a run's checkpoint holds
 * its replay buffer: tens of megabytes). The header's CRC is checked, the payload's not; use
 * {@link readTensorFile} to load.
 */
export function readTensorFileMeta(path: string): unknown {
  const { fd, bytes } = openRegular(path);
  try {
    const head = Buffer.alloc(16);
    const place = headerPlace(head.subarray(0, readSync(fd, head, 0, 16, 0)), bytes, path);
    const json = Buffer.alloc(place.length);
    return parseHeader(json.subarray(0, readSync(fd, json, 0, place.length, place.start)), place, path).meta;
  } finally {
    closeSync(fd);
  }
}
