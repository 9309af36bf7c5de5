/**
 * The constants of a graph as the sparse engine holds them: FLOAT tensors as arrays, INT64 ones (axes)
 * as integers, sparse ones as linear positions from the one sparse-index decoder
 * (`src/onnx/sparse-indices.ts`) with their values. Other data types are kept by type only, so the
 * engine can name them when it refuses them.
 */
import type { ModelProto } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { readFloats, readInts } from '../onnx/tensor-data.js';
import { graphConstants } from '../onnx/constants.js';
import { decodeSparseIndices } from '../onnx/sparse-indices.js';

/** A constant as the engine holds it: dense data (FLOAT weights, INT64 axes) or sparse linear positions. */
export interface EngineConstant {
  dims: number[];
  dataType: number;
  data?: Float32Array;
  ints?: number[];
  sparse?: { indices: Float64Array; values: Float32Array };
}

/** The graph's constants, read once. */
export function loadConstants(model: ModelProto): Map<string, EngineConstant> {
  const found = graphConstants(model);
  const out = new Map<string, EngineConstant>();
  for (const [name, t] of found.dense) {
    const dims = [...(t.dims ?? [])];
    if (t.dataType === DataType.FLOAT) out.set(name, { dims, dataType: t.dataType, data: readFloats(t) });
    else if (t.dataType === DataType.INT64) out.set(name, { dims, dataType: t.dataType, ints: readInts(t) });
    else out.set(name, { dims, dataType: t.dataType });
  }
  for (const [name, s] of found.sparse) {
    const indices = decodeSparseIndices(s); // the one decoder: linear [NNZ] or coordinates [NNZ, rank]
    const dataType = s.values.dataType;
    out.set(name, {
      dims: [...s.dims],
      dataType,
      sparse: { indices, values: dataType === DataType.FLOAT ? readFloats(s.values) : new Float32Array(0) },
    });
  }
  return out;
}
