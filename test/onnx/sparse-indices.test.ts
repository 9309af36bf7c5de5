/**
 * The one sparse-index decoder: both index forms give the same linear positions, and every rule of
 * the contract (INT64, shape, strictly ascending, in range, bounded dense size) is enforced on both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSparseIndices } from '@mast-toolkit/runtime/internal/onnx/sparse-indices';
import { OnnxValidationError } from '@mast-toolkit/runtime/internal/onnx/validation-error';
import { makeSparseTensor } from '../../src/onnx/builders.js';
import { int64Bytes } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { DataType, type SparseTensorProto } from '@mast-toolkit/runtime/internal/onnx/types';

/** A [3, 4] sparse tensor at positions (0,1), (1,3), (2,0) = linear 1, 7, 8. */
const linear = (): SparseTensorProto => makeSparseTensor('w', [3, 4], [1, 7, 8], Float32Array.from([0.5, -1, 2]));
const coordinates = (coords: number[] = [0, 1, 1, 3, 2, 0]): SparseTensorProto => {
  const s = linear();
  s.indices = { ...s.indices, dims: [3, 2], rawData: int64Bytes(coords) };
  return s;
};
const rejects = (s: SparseTensorProto, rule: string, pattern: RegExp): void =>
  assert.throws(
    () => decodeSparseIndices(s),
    (e: unknown) => e instanceof OnnxValidationError && e.rule === rule && pattern.test(e.message),
  );

test('linear [NNZ] and coordinate [NNZ, rank] indices decode to the same linear positions', () => {
  assert.deepEqual(Array.from(decodeSparseIndices(linear())), [1, 7, 8]);
  assert.deepEqual(Array.from(decodeSparseIndices(coordinates())), [1, 7, 8]);
});

test('coordinate indices: out of range on one axis, and not ascending, are refused', () => {
  rejects(coordinates([0, 1, 1, 4, 2, 0]), 'sparse-indices-range', /coordinate 4 on axis 1, outside \[0, 4\)/);
  rejects(coordinates([1, 3, 0, 1, 2, 0]), 'sparse-indices-order', /index 1 \(1\) is not greater than index 0 \(7\)/);
});

test('INT32 indices, a wrong indices shape, too few index values and an oversized dense shape are refused', () => {
  const int32 = linear();
  int32.indices = {
    ...int32.indices,
    dataType: DataType.INT32,
    rawData: new Uint8Array(Int32Array.from([1, 7, 8]).buffer),
  };
  rejects(int32, 'sparse-indices-type', /must be INT64/);
  const shape = linear();
  shape.indices.dims = [3, 3];
  rejects(shape, 'sparse-indices-shape', /expected \[3\] or \[3, 2\]/);
  const short = coordinates();
  short.indices.rawData = int64Bytes([0, 1, 1, 3]);
  rejects(short, 'tensor-data-length', /holds 4 index values but its indices' dims \[3,2\] need 6/);
  const huge = linear();
  huge.dims = [46341, 46341];
  rejects(huge, 'tensor-dims', /the limit is 16777216 elements per tensor/);
  const nnz = linear();
  nnz.dims = [1, 2];
  rejects(nnz, 'tensor-dims', /declares 3 values for a dense size of 2/);
});
