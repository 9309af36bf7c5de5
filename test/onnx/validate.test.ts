/** One test per checker rule: a minimally broken model must fail with that rule named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateModel, OnnxValidationError, type ValidationRule } from '@mast-toolkit/runtime/internal/onnx/validate';
import { int64Bytes } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { readInts } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { DataType, type ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { validModel } from './fixtures.js';

function rejects(rule: ValidationRule, breakIt: (m: ModelProto) => void, pattern: RegExp): void {
  const m = validModel();
  breakIt(m);
  assert.throws(
    () => validateModel(m),
    (e: unknown) =>
      e instanceof OnnxValidationError && e.rule === rule && e.code === 'E_ONNX_INVALID' && pattern.test(e.message),
  );
}

const sparse0 = (m: ModelProto) => m.graph.sparseInitializer[0]!;

test('a valid export passes', () => {
  assert.doesNotThrow(() => validateModel(validModel()));
});

test('model-ir-version', () => rejects('model-ir-version', (m) => (m.irVersion = 2), /ir_version is 2/));
test('model-opset', () =>
  rejects(
    'model-opset',
    (m) => (m.opsetImport = [{ domain: 'com.example', version: 1 }]),
    /no opset import for the default ONNX domain/,
  ));
test('model-opset (version)', () =>
  rejects(
    'model-opset',
    (m) => (m.opsetImport = [{ domain: '', version: 5 }]),
    /opset is 5; ONNX Runtime only guarantees opsets ≥ 7/,
  ));
test('tensor-dims', () => rejects('tensor-dims', (m) => (sparse0(m).dims = [0, 16]), /dims must be positive integers/));
test('tensor-data-length', () =>
  rejects(
    'tensor-data-length',
    (m) => (m.graph.initializer[0]!.dims = [99]),
    /'fc1.bias' holds 16 elements but dims \[99\] need 99/,
  ));
test('initializer-name-unique', () =>
  rejects(
    'initializer-name-unique',
    (m) => (m.graph.initializer[0]!.name = sparse0(m).values.name),
    /initializer name 'fc1.weight' is used more than once/,
  ));
test('sparse-values-name', () =>
  rejects('sparse-values-name', (m) => (sparse0(m).values.name = ''), /values without a name/));
test('sparse-values-rank', () =>
  rejects(
    'sparse-values-rank',
    (m) => {
      const v = sparse0(m).values;
      v.dims = [1, v.dims[0]!];
    },
    /values of rank 2; values must be rank 1/,
  ));
test('sparse-indices-type', () =>
  rejects(
    'sparse-indices-type',
    (m) => {
      const ix = sparse0(m).indices;
      ix.dataType = DataType.INT32;
      ix.rawData = new Uint8Array(Int32Array.from(readInts({ ...ix, dataType: DataType.INT64 })).buffer);
    },
    /indices must be INT64 \(7\)/,
  ));
test('sparse-indices-shape', () =>
  rejects(
    'sparse-indices-shape',
    (m) => (sparse0(m).indices.dims = [1, sparse0(m).indices.dims[0]!]),
    /expected \[\d+\] or \[\d+, 2\]/,
  ));
test('sparse-indices-range', () =>
  rejects(
    'sparse-indices-range',
    (m) => {
      const ix = sparse0(m).indices;
      const values = readInts(ix);
      values[values.length - 1] = 14 * 16; // one past the end of a [14, 16] tensor
      ix.rawData = int64Bytes(values);
    },
    /outside \[0, 224\)/,
  ));
test('sparse-indices-order', () =>
  rejects(
    'sparse-indices-order',
    (m) => {
      const ix = sparse0(m).indices;
      const values = readInts(ix);
      [values[0], values[1]] = [values[1]!, values[0]!];
      ix.rawData = int64Bytes(values);
    },
    /strictly ascending/,
  ));
test('node-op-type', () => rejects('node-op-type', (m) => (m.graph.node[2]!.opType = ''), /has no op_type/));
test('node-input-defined', () =>
  rejects(
    'node-input-defined',
    (m) => m.graph.node.reverse(),
    /reads '.+', which no graph input, initializer or earlier node defines/,
  ));
test('node-output-unique', () =>
  rejects(
    'node-output-unique',
    (m) => (m.graph.node[1]!.output = ['fc1.matmul']),
    /writes 'fc1.matmul', which is already defined/,
  ));
test('graph-output-defined', () =>
  rejects(
    'graph-output-defined',
    (m) => (m.graph.output[0]!.name = 'nowhere'),
    /graph output 'nowhere' is not produced/,
  ));

test('2-D coordinate indices [NNZ, rank] are accepted when sorted and in range', () => {
  const m = validModel();
  const s = sparse0(m);
  const cols = s.dims[1]!;
  const linear = readInts(s.indices);
  s.indices.rawData = int64Bytes(linear.flatMap((i) => [Math.floor(i / cols), i % cols]));
  s.indices.dims = [linear.length, 2];
  assert.doesNotThrow(() => validateModel(m));
});

test('tensor-external-data', () =>
  rejects(
    'tensor-external-data',
    (m) => {
      const b = m.graph.initializer[0]!;
      b.dataLocation = 1;
      b.externalData = [{ key: 'location', value: 'weights.bin' }];
    },
    /'fc1.bias' keeps its data in an external file/,
  ));
test('tensor-external-data (sparse values, location entries only)', () =>
  rejects(
    'tensor-external-data',
    (m) => (sparse0(m).values.externalData = [{ key: 'location', value: 'w.bin' }]),
    /'fc1.weight' keeps its data in an external file/,
  ));
test('tensor-data-field', () =>
  rejects(
    'tensor-data-field',
    (m) => (m.graph.initializer[0]!.floatData = Array.from({ length: 16 }, () => 1)),
    /'fc1.bias' stores its data in float_data and raw_data/,
  ));
test('tensor-dims (limit): a sparse 46341 × 46341 matrix declared in a small file', () =>
  rejects('tensor-dims', (m) => (sparse0(m).dims = [46341, 46341]), /2147488281 elements\); the limit is 16777216/));
test('tensor-data-length: raw bytes that are not whole elements', () =>
  rejects(
    'tensor-data-length',
    (m) => (m.graph.initializer[0]!.rawData = new Uint8Array(63)),
    /'fc1.bias' holds NaN elements/,
  ));
test('sparse-indices-range (coordinate form)', () =>
  rejects(
    'sparse-indices-range',
    (m) => {
      const s = sparse0(m);
      const linear = readInts(s.indices);
      s.indices.rawData = int64Bytes(linear.flatMap((i, k) => (k === 0 ? [0, 99] : [Math.floor(i / 16), i % 16])));
      s.indices.dims = [linear.length, 2];
    },
    /coordinate 99 on axis 1, outside \[0, 16\)/,
  ));
test('model-size (nodes)', () =>
  rejects(
    'model-size',
    (m) => (m.graph.node = Array.from({ length: 100_001 }, () => m.graph.node[0]!)),
    /the graph has 100001 nodes; the limit is 100000/,
  ));
test('model-size (elements of all constants)', () =>
  rejects(
    'model-size',
    (m) => {
      // five sparse [4096, 4096] tensors with one value each: small in the file, 5 · 2^24 elements once densified
      const s = sparse0(m);
      m.graph.sparseInitializer = Array.from({ length: 5 }, (_, k) => ({
        dims: [4096, 4096],
        values: { ...s.values, name: `big${k}`, dims: [1], rawData: new Uint8Array(4) },
        indices: { ...s.indices, name: `big${k}_indices`, dims: [1], rawData: int64Bytes([0]) },
      }));
    },
    /the limit for a model is 67108864/,
  ));
