/** Reading and writing the element data of a TensorProto (raw little-endian bytes or typed fields). */
import { DataType, type TensorProto } from './types.js';

/** Little-endian bytes of float32 values. */
export function floatBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Little-endian bytes of int64 values. */
export function int64Bytes(values: readonly number[] | Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

/** Number of elements a tensor's data holds (by its encoding, not by its dims). */
export function dataLength(t: TensorProto): number {
  const width = t.dataType === DataType.INT64 ? 8 : 4;
  if (t.rawData && t.rawData.length > 0) return t.rawData.length / width;
  if (t.dataType === DataType.FLOAT) return t.floatData?.length ?? 0;
  if (t.dataType === DataType.INT64) return t.int64Data?.length ?? 0;
  if (t.dataType === DataType.INT32) return t.int32Data?.length ?? 0;
  return 0;
}

/** The elements of a FLOAT tensor. */
export function readFloats(t: TensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float32Array.from({ length: t.rawData.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
  }
  return Float32Array.from(t.floatData ?? []);
}

/** The elements of an INT64 (or INT32) tensor as JS numbers. */
export function readInts(t: TensorProto): number[] {
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    if (t.dataType === DataType.INT64) return Array.from({ length: t.rawData.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    return Array.from({ length: t.rawData.length / 4 }, (_, i) => view.getInt32(i * 4, true));
  }
  return [...(t.dataType === DataType.INT64 ? t.int64Data ?? [] : t.int32Data ?? [])];
}

/** Product of dims (1 for a scalar). */
export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
