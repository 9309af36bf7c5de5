/**
 * A validator for the rules of ONNX's checker (onnx/checker.cc) that matter to the toolkit's models,
 * plus the toolkit's documented size limits (limits.ts). ONNX Runtime loads files the checker
 * rejects (INT32 or unsorted sparse indices, tensors with two data fields), so every export and every
 * reader runs this, and the tests also run the official checker where python3-onnx is installed.
 */
import { type AttributeProto, type ModelProto, type SparseTensorProto, type TensorProto } from './types.js';
import { dataLength, numel, typedFields } from './tensor-data.js';
import { decodeSparseIndices } from './sparse-indices.js';
import { MAX_GRAPH_NODES, MAX_MODEL_ELEMENTS, MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from './limits.js';
import { invalid as fail, OnnxValidationError, type ValidationRule } from './validation-error.js';

export { OnnxValidationError, type ValidationRule };

/** ONNX's `TensorProto.DataLocation.EXTERNAL`. */
const EXTERNAL = 1;

/** Element counts of the constants seen so far, against {@link MAX_MODEL_ELEMENTS}. */
interface Budget {
  elements: number;
}

function spend(budget: Budget, elements: number, what: string): void {
  budget.elements += elements;
  if (budget.elements > MAX_MODEL_ELEMENTS)
    fail(
      'model-size',
      `the constants up to ${what} hold ${budget.elements} elements; the limit for a model is ${MAX_MODEL_ELEMENTS}`,
    );
}

/** Where the data of a tensor lives: one embedded field at most, never an external file. */
function checkStorage(t: TensorProto, what: string): void {
  if (t.dataLocation === EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    fail(
      'tensor-external-data',
      `${what} '${t.name}' keeps its data in an external file; the toolkit reads only self-contained models (ONNX Runtime would read that file from disk)`,
    );
  }
  const fields = typedFields(t).map(([n]) => n);
  if (t.rawData && t.rawData.length > 0) fields.push('raw_data');
  if (fields.length > 1)
    fail(
      'tensor-data-field',
      `${what} '${t.name}' stores its data in ${fields.join(' and ')}; a tensor has at most one data field`,
    );
}

function checkDense(t: TensorProto, what: string, budget: Budget): void {
  checkStorage(t, what);
  const dims = t.dims ?? [];
  if (dims.length > MAX_TENSOR_RANK || dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    fail(
      'tensor-dims',
      `${what} '${t.name}' has dims [${dims}]; dims must be non-negative integers (at most ${MAX_TENSOR_RANK})`,
    );
  const size = numel(dims);
  if (size > MAX_TENSOR_ELEMENTS)
    fail(
      'tensor-dims',
      `${what} '${t.name}' has dims [${dims}] (${size} elements); the limit is ${MAX_TENSOR_ELEMENTS} elements per tensor`,
    );
  const have = dataLength(t);
  if (have !== size)
    fail('tensor-data-length', `${what} '${t.name}' holds ${have} elements but dims [${dims}] need ${size}`);
  spend(budget, size, `${what} '${t.name}'`);
}

function checkSparse(s: SparseTensorProto, budget: Budget): void {
  if (s.values) checkStorage(s.values, 'sparse values');
  if (s.indices) checkStorage(s.indices, 'sparse indices');
  decodeSparseIndices(s);
  spend(budget, numel(s.dims), `sparse tensor '${s.values.name}'`);
}

/** Every tensor an attribute carries. */
function checkAttribute(a: AttributeProto, label: string, budget: Budget): void {
  if (a.t) checkDense(a.t, `${label} attribute '${a.name}'`, budget);
  for (const t of a.tensors ?? []) checkDense(t, `${label} attribute '${a.name}'`, budget);
  if (a.sparseTensor) checkSparse(a.sparseTensor, budget);
  for (const s of a.sparseTensors ?? []) checkSparse(s, budget);
}

/** The oldest default-domain opset ONNX Runtime guarantees to run. */
export const MIN_OPSET = 7;

/**
 * Check `model` against the checker's rules and the toolkit's limits; throws
 * {@link OnnxValidationError} naming the tensor or node, the offending value and the rule.
 */
export function validateModel(model: ModelProto): void {
  if (!Number.isInteger(model.irVersion) || model.irVersion < 3)
    fail('model-ir-version', `ir_version is ${model.irVersion}; expected an integer ≥ 3`);
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '');
  if (!opset || !(opset.version > 0)) fail('model-opset', 'no opset import for the default ONNX domain');
  const version = Number(opset?.version);
  if (version < MIN_OPSET)
    fail('model-opset', `default-domain opset is ${version}; ONNX Runtime only guarantees opsets ≥ ${MIN_OPSET}`);
  const g = model.graph;
  if (g.node.length > MAX_GRAPH_NODES)
    fail('model-size', `the graph has ${g.node.length} nodes; the limit is ${MAX_GRAPH_NODES}`);
  const budget: Budget = { elements: 0 };
  const inputs = new Set<string>(g.input.map((i) => i.name));
  const defined = new Set<string>(inputs);
  const initializers = new Set<string>();
  const claim = (name: string): void => {
    if (initializers.has(name))
      fail(
        'initializer-name-unique',
        `initializer name '${name}' is used more than once across dense and sparse initializers`,
      );
    initializers.add(name);
    defined.add(name);
  };
  for (const t of g.initializer) {
    checkDense(t, 'initializer', budget);
    claim(t.name);
  }
  for (const s of g.sparseInitializer) {
    checkSparse(s, budget);
    claim(s.values.name);
  }
  const produced = new Set<string>();
  g.node.forEach((n, k) => {
    const label = `node ${k} (${n.name || n.opType || '?'})`;
    if (!n.opType) fail('node-op-type', `${label} has no op_type`);
    for (const a of n.attribute) checkAttribute(a, label, budget);
    for (const input of n.input) {
      if (input !== '' && !defined.has(input))
        fail(
          'node-input-defined',
          `${label} reads '${input}', which no graph input, initializer or earlier node defines`,
        );
    }
    for (const output of n.output) {
      if (output === '') continue;
      if (produced.has(output) || initializers.has(output) || inputs.has(output))
        fail('node-output-unique', `${label} writes '${output}', which is already defined`);
      produced.add(output);
      defined.add(output);
    }
  });
  for (const o of g.output)
    if (!defined.has(o.name))
      fail('graph-output-defined', `graph output '${o.name}' is not produced by any node, input or initializer`);
}
