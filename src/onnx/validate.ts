/**
 * A validator for the rules of ONNX's checker (onnx/checker.cc) that matter to the toolkit's models.
 * ONNX Runtime loads files the checker rejects (INT32 or unsorted sparse indices), so every export
 * runs this, and the tests also run the official checker where python3-onnx is installed.
 */
import { ToolkitError } from '../util/errors.js';
import { DataType, type ModelProto, type SparseTensorProto, type TensorProto } from './types.js';
import { dataLength, numel, readInts } from './tensor-data.js';

/** Names of the rules {@link validateModel} enforces (one test each). */
export type ValidationRule =
  | 'model-ir-version'
  | 'model-opset'
  | 'tensor-dims'
  | 'tensor-data-length'
  | 'initializer-name-unique'
  | 'sparse-values-rank'
  | 'sparse-values-name'
  | 'sparse-indices-type'
  | 'sparse-indices-shape'
  | 'sparse-indices-range'
  | 'sparse-indices-order'
  | 'node-op-type'
  | 'node-input-defined'
  | 'node-output-unique'
  | 'graph-output-defined';

/** A model that breaks one of the checker's rules. */
export class OnnxValidationError extends ToolkitError {
  /** The rule broken. */
  readonly rule: ValidationRule;
  constructor(rule: ValidationRule, message: string) {
    super('E_ONNX_INVALID', `invalid ONNX model (${rule}): ${message}`);
    this.rule = rule;
  }
}

function fail(rule: ValidationRule, message: string): never {
  throw new OnnxValidationError(rule, message);
}

function checkDense(t: TensorProto, what: string): void {
  if (t.dims.some((d) => !Number.isInteger(d) || d < 0)) fail('tensor-dims', `${what} '${t.name}' has dims [${t.dims}]; dims must be non-negative integers`);
  const have = dataLength(t);
  if (have !== numel(t.dims)) fail('tensor-data-length', `${what} '${t.name}' holds ${have} elements but dims [${t.dims}] need ${numel(t.dims)}`);
}

function checkSparse(s: SparseTensorProto): void {
  const name = s.values?.name;
  if (!name) fail('sparse-values-name', 'a sparse initializer has values without a name (the name of a sparse tensor is its values\' name)');
  if (s.dims.length === 0 || s.dims.some((d) => !Number.isInteger(d) || d <= 0)) fail('tensor-dims', `sparse initializer '${name}' has dims [${s.dims}]; dims must be positive integers`);
  if (s.values.dims.length !== 1) fail('sparse-values-rank', `sparse initializer '${name}' has values of rank ${s.values.dims.length}; values must be rank 1 [NNZ]`);
  checkDense(s.values, 'sparse values');
  const nnz = s.values.dims[0] as number;
  if (s.indices.dataType !== DataType.INT64) fail('sparse-indices-type', `sparse initializer '${name}' has indices of data type ${s.indices.dataType}; indices must be INT64 (7)`);
  const rank = s.dims.length;
  const linear = s.indices.dims.length === 1 && s.indices.dims[0] === nnz;
  const coords = s.indices.dims.length === 2 && s.indices.dims[0] === nnz && s.indices.dims[1] === rank;
  if (!linear && !coords) fail('sparse-indices-shape', `sparse initializer '${name}' has indices of shape [${s.indices.dims}]; expected [${nnz}] or [${nnz}, ${rank}]`);
  checkDense(s.indices, 'sparse indices');
  const raw = readInts(s.indices);
  const size = numel(s.dims);
  let prev = -1;
  for (let k = 0; k < nnz; k++) {
    let index: number;
    if (linear) {
      index = raw[k] as number;
    } else {
      index = 0;
      for (let d = 0; d < rank; d++) {
        const c = raw[k * rank + d] as number;
        if (c < 0 || c >= (s.dims[d] as number)) fail('sparse-indices-range', `sparse initializer '${name}': index ${k} has coordinate ${c} on axis ${d}, outside [0, ${s.dims[d]})`);
        index = index * (s.dims[d] as number) + c;
      }
    }
    if (index < 0 || index >= size) fail('sparse-indices-range', `sparse initializer '${name}': index ${k} is ${index}, outside [0, ${size})`);
    if (index <= prev) fail('sparse-indices-order', `sparse initializer '${name}': index ${k} (${index}) is not greater than index ${k - 1} (${prev}); indices must be strictly ascending`);
    prev = index;
  }
}

/** The oldest default-domain opset ONNX Runtime guarantees to run. */
export const MIN_OPSET = 7;

/**
 * Check `model` against the checker's rules; throws {@link OnnxValidationError} naming the tensor or
 * node, the offending value and the rule.
 */
export function validateModel(model: ModelProto): void {
  if (!Number.isInteger(model.irVersion) || model.irVersion < 3) fail('model-ir-version', `ir_version is ${model.irVersion}; expected an integer ≥ 3`);
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '');
  if (!opset || !(opset.version > 0)) fail('model-opset', 'no opset import for the default ONNX domain');
  const version = Number(opset?.version);
  if (version < MIN_OPSET) fail('model-opset', `default-domain opset is ${version}; ONNX Runtime only guarantees opsets ≥ ${MIN_OPSET}`);
  const g = model.graph;
  const defined = new Set<string>(g.input.map((i) => i.name));
  const initializers = new Set<string>();
  const claim = (name: string): void => {
    if (initializers.has(name)) fail('initializer-name-unique', `initializer name '${name}' is used more than once across dense and sparse initializers`);
    initializers.add(name);
    defined.add(name);
  };
  for (const t of g.initializer) {
    checkDense(t, 'initializer');
    claim(t.name);
  }
  for (const s of g.sparseInitializer) {
    checkSparse(s);
    claim(s.values.name);
  }
  const produced = new Set<string>();
  g.node.forEach((n, k) => {
    const label = `node ${k} (${n.name || n.opType || '?'})`;
    if (!n.opType) fail('node-op-type', `${label} has no op_type`);
    if (n.opType === 'Constant') for (const a of n.attribute) if (a.sparseTensor) checkSparse(a.sparseTensor);
    for (const input of n.input) {
      if (input !== '' && !defined.has(input)) fail('node-input-defined', `${label} reads '${input}', which no graph input, initializer or earlier node defines`);
    }
    for (const output of n.output) {
      if (output === '') continue;
      if (produced.has(output) || initializers.has(output) || g.input.some((i) => i.name === output)) fail('node-output-unique', `${label} writes '${output}', which is already defined`);
      produced.add(output);
      defined.add(output);
    }
  });
  for (const o of g.output) if (!defined.has(o.name)) fail('graph-output-defined', `graph output '${o.name}' is not produced by any node, input or initializer`);
}
