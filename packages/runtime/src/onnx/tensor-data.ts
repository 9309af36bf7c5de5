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

/** Bytes per element of `dataType` in `raw_data` (onnx.proto's TensorProto.DataType); 0 when unknown. */
export function elementBytes(dataType: number): number {
  if (dataType === 7 || dataType === 11 || dataType === 13 || dataType === 14) return 8; // INT64, DOUBLE, UINT64, COMPLEX64
  if (dataType === 1 || dataType === 6 || dataType === 12) return 4; // FLOAT, INT32, UINT32
  if (dataType === 5 || dataType === 4 || dataType === 10 || dataType === 16) return 2; // INT16, UINT16, FLOAT16, BFLOAT16
  if (dataType === 2 || dataType === 3 || dataType === 9) return 1; // UINT8, INT8, BOOL
  return 0;
}

/** The typed (non-raw) data fields of a tensor that hold elements, by name. */
export function typedFields(t: TensorProto): Array<[string, number]> {
  const fields: Array<[string, unknown[] | undefined]> = [
    ['float_data', t.floatData],
    ['int32_data', t.int32Data],
    ['int64_data', t.int64Data],
    ['double_data', t.doubleData],
    ['uint64_data', t.uint64Data],
    ['string_data', t.stringData],
  ];
  return fields.filter(([, v]) => v !== undefined && v.length > 0).map(([n, v]) => [n, (v as unknown[]).length]);
}

/**
 * Number of elements a tensor's data holds (by its encoding, not by its dims); NaN when raw bytes
 * are not a whole number of elements of its type.
 */
export function dataLength(t: TensorProto): number {
  if (t.rawData && t.rawData.length > 0) {
    const width = elementBytes(t.dataType);
    return width > 0 && t.rawData.length % width === 0 ? t.rawData.length / width : NaN;
  }
  if (t.dataType === DataType.FLOAT) return t.floatData?.length ?? 0;
  if (t.dataType === DataType.INT64) return t.int64Data?.length ?? 0;
  if (t.dataType === DataType.INT32) return t.int32Data?.length ?? 0;
  if (t.dataType === DataType.DOUBLE) return t.doubleData?.length ?? 0;
  return typedFields(t)[0]?.[1] ?? 0;
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
    if (t.dataType === DataType.INT64)
      return Array.from({ length: t.rawData.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    return Array.from({ length: t.rawData.length / 4 }, (_, i) => view.getInt32(i * 4, true));
  }
  return [...(t.dataType === DataType.INT64 ? (t.int64Data ?? []) : (t.int32Data ?? []))];
}

/** Product of dims (1 for a scalar). */
export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
