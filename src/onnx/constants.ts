/**
 * Every constant tensor of a graph by name: dense and sparse initializers, and the values of
 * `Constant` nodes (`value`, and `sparse_value`, the encoding that lets a sparse weight pass the ONNX
 * checker's full check; see docs/onnx-layout.md). Readers (inspect, the sparse engine, import) use
 * this one view, so a weight is found whichever way it was stored.
 */
import { AttributeType, type ModelProto, type SparseTensorProto, type TensorProto } from './types.js';

/** The constants of a graph. */
export interface GraphConstants {
  dense: Map<string, TensorProto>;
  sparse: Map<string, SparseTensorProto>;
  /** Names defined by `Constant` nodes (not initializers). */
  fromNodes: Set<string>;
}

/** Collect a model's constants. */
export function graphConstants(model: ModelProto): GraphConstants {
  const g = model.graph;
  const out: GraphConstants = { dense: new Map(), sparse: new Map(), fromNodes: new Set() };
  for (const t of g.initializer) out.dense.set(t.name, t);
  for (const s of g.sparseInitializer) out.sparse.set(s.values.name, s);
  for (const node of g.node) {
    if (node.opType !== 'Constant' || (node.domain ?? '') !== '') continue;
    const name = node.output[0];
    if (!name) continue;
    for (const a of node.attribute) {
      if (a.name === 'value' && a.type === AttributeType.TENSOR && a.t) out.dense.set(name, { ...a.t, name });
      else if (a.name === 'sparse_value' && a.type === AttributeType.SPARSE_TENSOR && a.sparseTensor) out.sparse.set(name, a.sparseTensor);
      else continue;
      out.fromNodes.add(name);
    }
  }
  return out;
}
