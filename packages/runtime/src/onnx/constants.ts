/**
 * Every constant tensor of a graph by name: dense and sparse initializers, and the values of
 * `Constant` nodes (`value`, and `sparse_value`, the encoding that lets a sparse weight pass the ONNX
 * checker's full check; see docs/onnx-layout.md). Readers (inspect, the sparse engine, import) use
 * this one view, so a weight is found whichever way it was stored.
 */
import { AttributeType, DataType, type ModelProto, type SparseTensorProto, type TensorProto } from './types.js';
import { readFloats } from './tensor-data.js';
import { NumericError } from '../util/errors.js';

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
      else if (a.name === 'sparse_value' && a.type === AttributeType.SPARSE_TENSOR && a.sparseTensor)
        out.sparse.set(name, a.sparseTensor);
      else continue;
      out.fromNodes.add(name);
    }
  }
  return out;
}

/**
 * Refuse a model with a NaN or ±Inf among its FLOAT constants (a diverged training run's export):
 * ONNX Runtime would load it and answer NaN or arbitrary actions.
 * @throws NumericError naming the tensor and position.
 */
export function checkFiniteConstants(model: ModelProto, what = 'model'): void {
  const c = graphConstants(model);
  const check = (name: string, t: TensorProto): void => {
    if (t.dataType !== DataType.FLOAT) return;
    const v = readFloats(t);
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as number;
      if (x - x !== 0)
        throw new NumericError(`${what}: weight '${name}' holds ${x} at position ${i}`, {
          hint: 'the model was exported from a diverged run; export an earlier checkpoint or retrain with a smaller learning rate',
        });
    }
  };
  for (const [name, t] of c.dense) check(name, t);
  for (const [name, s] of c.sparse) check(name, s.values);
}
