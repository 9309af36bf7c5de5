/** What an ONNX model holds: per-tensor storage, nonzeros and bytes, totals, metadata (`mast inspect`). */
import { DataType, type ModelProto, type SparseTensorProto, type TensorProto } from './types.js';
import { numel, readFloats } from './tensor-data.js';
import { graphConstants } from './constants.js';

/** One float constant (initializer or Constant node value). */
export interface TensorReport {
  name: string;
  shape: number[];
  storage: 'sparse' | 'dense';
  /** Elements of the dense tensor. */
  size: number;
  /** Stored entries for sparse tensors; nonzero values for dense ones. */
  nnz: number;
  density: number;
  /** Bytes of the stored data: 4·size dense; 4·NNZ values + 8·NNZ INT64 indices sparse. */
  bytes: number;
}

/** The inspection of a model. */
export interface ModelReport {
  metadata: Record<string, string>;
  inputs: Array<{ name: string; shape: Array<number | string> }>;
  outputs: Array<{ name: string; shape: Array<number | string> }>;
  tensors: TensorReport[];
  totals: {
    /** Elements of every float tensor. */
    params: number;
    /** Nonzero/stored elements of every float tensor. */
    nnz: number;
    /** Bytes of every float tensor's data. */
    bytes: number;
    /** nnz / size over the weight matrices (rank ≥ 2), the figure sparsity is about. */
    density: number;
  };
}

function dense(t: TensorProto): TensorReport {
  const values = readFloats(t);
  let nnz = 0;
  for (const v of values) if (v !== 0) nnz++;
  const size = numel(t.dims);
  return {
    name: t.name,
    shape: [...t.dims],
    storage: 'dense',
    size,
    nnz,
    density: nnz / Math.max(1, size),
    bytes: 4 * size,
  };
}

function sparse(name: string, s: SparseTensorProto): TensorReport {
  const size = numel(s.dims);
  const nnz = s.values.dims[0] as number;
  return { name, shape: [...s.dims], storage: 'sparse', size, nnz, density: nnz / size, bytes: 12 * nnz };
}

const shapeOf = (v: ModelProto['graph']['input'][number]) =>
  (v.type.tensorType.shape?.dim ?? []).map((d) => d.dimParam ?? d.dimValue ?? '?');

/** Inspect a model's float tensors, inputs, outputs and metadata. */
export function inspectModel(model: ModelProto): ModelReport {
  const g = model.graph;
  const c = graphConstants(model);
  const tensors = [
    ...[...c.dense.values()].filter((t) => t.dataType === DataType.FLOAT).map(dense),
    ...[...c.sparse].map(([name, s]) => sparse(name, s)),
  ];
  const weights = tensors.filter((t) => t.shape.filter((d) => d > 1).length >= 2);
  const weightSize = weights.reduce((a, t) => a + t.size, 0);
  return {
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value])),
    inputs: g.input.map((v) => ({ name: v.name, shape: shapeOf(v) })),
    outputs: g.output.map((v) => ({ name: v.name, shape: shapeOf(v) })),
    tensors,
    totals: {
      params: tensors.reduce((a, t) => a + t.size, 0),
      nnz: tensors.reduce((a, t) => a + t.nnz, 0),
      bytes: tensors.reduce((a, t) => a + t.bytes, 0),
      density: weightSize === 0 ? 1 : weights.reduce((a, t) => a + t.nnz, 0) / weightSize,
    },
  };
}
