/**
 * Importing an agent network from ONNX into a snapshot (`mast import`): this toolkit's own exports,
 * and the usual pymarl/EPyMARL agent exported from PyTorch (`torch.onnx.export` of
 * Linear → ReLU → GRUCell → Linear), whether the recurrent cell arrives as an ONNX `GRU` node or
 * decomposed into Gemm/MatMul, Sigmoid, Tanh and element-wise ops.
 *
 * Weights are found by role, tracing from the graph inputs: fc1 is the product reading the agent
 * input; the GRU's input and recurrent matrices are the [3H, ·] products reading fc1's activation
 * and the hidden-state input (or the GRU node's W and R); fc2 is the [A, H] / [H, A] product
 * producing the Q-values. PyTorch stores gates in the order r, z, n; ONNX and the snapshot use
 * z, r, n, so decomposed cells are reordered. The caller checks the result numerically against
 * ONNX Runtime (`mast import` does), which is what proves the mapping right.
 */
import { MASKED_AGENT_TENSORS, type AgentSnapshot, type InputLayout, type RnnAgentTensorName, type SnapshotTensor } from '../snapshot/types.js';
import { agentWeightDensity } from '../snapshot/size.js';
import { ToolkitError } from '../util/errors.js';
import { DataType, type ModelProto, type NodeProto } from './types.js';
import { numel, readFloats, readInts } from './tensor-data.js';
import { graphConstants } from './constants.js';

/** A constant matrix with its dims, densified (masks come from sparse storage). */
interface Constant {
  values: Float32Array;
  dims: number[];
  /** Stored positions when the initializer was sparse. */
  mask?: Uint8Array;
}

function constants(model: ModelProto): Map<string, Constant> {
  const out = new Map<string, Constant>();
  const found = graphConstants(model);
  for (const [name, t] of found.dense) if (t.dataType === DataType.FLOAT) out.set(name, { values: readFloats(t), dims: [...t.dims] });
  for (const [name, s] of found.sparse) {
    const size = numel(s.dims);
    const values = new Float32Array(size);
    const mask = new Uint8Array(size);
    const idx = readInts(s.indices);
    const vals = readFloats(s.values);
    const rank = s.dims.length;
    const coordinate = s.indices.dims.length === 2;
    vals.forEach((v, k) => {
      let linear = idx[k] as number;
      if (coordinate) {
        linear = 0;
        for (let d = 0; d < rank; d++) linear = linear * (s.dims[d] as number) + (idx[k * rank + d] as number);
      }
      values[linear] = v;
      mask[linear] = 1;
    });
    out.set(name, { values, dims: [...s.dims], mask });
  }
  return out;
}

/** `[rows, cols]` row-major → `[cols, rows]`. */
function transpose<T extends Float32Array | Uint8Array>(v: T, rows: number, cols: number): T {
  const out = new (v.constructor as new (n: number) => T)(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c] as number;
  return out;
}

/** Reorder the three gate blocks of a `[3H, cols]` matrix (or `[3H]` vector) from r|z|n to z|r|n. */
function rznToZrn<T extends Float32Array | Uint8Array>(v: T, h: number, cols: number): T {
  const out = new (v.constructor as new (n: number) => T)(v.length);
  const block = h * cols;
  out.set(v.subarray(block, 2 * block), 0);
  out.set(v.subarray(0, block), block);
  out.set(v.subarray(2 * block), 2 * block);
  return out;
}

/** What the caller must say about a model without `mast.*` metadata. */
export interface ImportOptions {
  /** How the agent input is laid out; required when the model carries no `mast.input_layout`. */
  inputLayout?: InputLayout;
  nAgents?: number;
  /** Provenance for the snapshot's metadata. */
  env?: string;
  what?: string;
}

/** A linear layer found in the graph: weight as `[in, out]` (snapshot layout) with bias and mask. */
interface Linear {
  weight: Float32Array;
  mask?: Uint8Array;
  nIn: number;
  nOut: number;
  bias: Float32Array | null;
  /** The tensor the layer produces (after its bias). */
  output: string;
}

/**
 * Read an agent network out of an ONNX model.
 * @throws ToolkitError (E_ONNX_LOAD) naming what could not be found.
 */
export function importAgent(model: ModelProto, options: ImportOptions = {}): AgentSnapshot {
  const what = options.what ?? 'model';
  const fail = (message: string): never => {
    throw new ToolkitError('E_ONNX_LOAD', `import: ${what} ${message}`, { hint: 'mast import reads Linear → ReLU → GRU(Cell) → Linear agents (this toolkit’s exports, or pymarl agents exported from PyTorch)' });
  };
  const g = model.graph;
  const c = constants(model);
  const consumers = (name: string): NodeProto[] => g.node.filter((n) => n.input.includes(name));
  const attr = (n: NodeProto, name: string): number => Number(n.attribute.find((a) => a.name === name)?.i ?? 0);
  const initializerInputs = new Set(c.keys());
  const [inputsName, hiddenName] = g.input.map((i) => i.name).filter((nm) => !initializerInputs.has(nm));
  if (!inputsName || !hiddenName) fail('needs two graph inputs: the agent input and the hidden state');

  /** Follow pass-through ops (Reshape, Unsqueeze, Squeeze, Flatten, Identity) from a tensor to its real consumers. */
  const through = (name: string): NodeProto[] =>
    consumers(name).flatMap((n) => (['Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'Identity'].includes(n.opType) ? through(n.output[0] as string) : [n]));

  /** The linear layer a Gemm or MatMul (+ Add) node computes, as snapshot layout `[in, out]`. */
  const linearAt = (node: NodeProto, from: string): Linear => {
    const weightName = node.input.find((i) => i !== from && c.has(i)) ?? fail(`has a ${node.opType} ('${node.output[0]}') without a constant weight`);
    const w = c.get(weightName) as Constant;
    const [d0, d1] = [w.dims[w.dims.length - 2] as number, w.dims[w.dims.length - 1] as number];
    // Gemm with transB = 1 (PyTorch Linear) stores [out, in]; MatMul stores [in, out]
    const transposed = node.opType === 'Gemm' && attr(node, 'transB') === 1;
    const [nIn, nOut] = transposed ? [d1, d0] : [d0, d1];
    const weight = transposed ? transpose(w.values, d0, d1) : w.values;
    const mask = w.mask && (transposed ? transpose(w.mask, d0, d1) : w.mask);
    let bias: Float32Array | null = node.opType === 'Gemm' && node.input[2] ? (c.get(node.input[2])?.values ?? null) : null;
    let output = node.output[0] as string;
    const add = consumers(output).find((n) => n.opType === 'Add' && n.input.some((i) => c.has(i) && numel(c.get(i)!.dims) === nOut));
    if (!bias && add) {
      bias = c.get(add.input.find((i) => c.has(i)) as string)!.values;
      output = add.output[0] as string;
    }
    return { weight, ...(mask ? { mask } : {}), nIn, nOut, bias, output };
  };
  const product = (n: NodeProto): boolean => n.opType === 'Gemm' || n.opType === 'MatMul';

  // --- fc1: the product reading the agent input, then ReLU
  const fc1Node = through(inputsName as string).find(product) ?? fail('has no Gemm/MatMul reading its agent input');
  const fc1 = linearAt(fc1Node, inputsName as string);
  const relu = through(fc1.output).find((n) => n.opType === 'Relu') ?? fail('has no ReLU after its first layer');
  const x = relu.output[0] as string;
  const h = fc1.nOut;

  // --- GRU: an ONNX GRU node, or the decomposed cell's two [3H, ·] products
  let wIh: Linear;
  let wHh: Linear;
  let hOut: string;
  const gru = through(x).find((n) => n.opType === 'GRU');
  if (gru) {
    if (attr(gru, 'linear_before_reset') !== 1) fail('has a GRU with linear_before_reset = 0; pymarl agents (PyTorch GRUCell) use 1');
    const [, wName = '', rName = '', bName = ''] = gru.input;
    const W = c.get(wName) ?? fail('has a GRU whose W is not a constant');
    const R = c.get(rName) ?? fail('has a GRU whose R is not a constant');
    const B = bName ? c.get(bName)?.values : undefined;
    // ONNX W [1, 3H, In] → snapshot [In, 3H] (gates already z, r, h)
    wIh = { weight: transpose(W.values, 3 * h, h), ...(W.mask ? { mask: transpose(W.mask, 3 * h, h) } : {}), nIn: h, nOut: 3 * h, bias: B ? B.slice(0, 3 * h) : null, output: '' };
    wHh = { weight: transpose(R.values, 3 * h, h), ...(R.mask ? { mask: transpose(R.mask, 3 * h, h) } : {}), nIn: h, nOut: 3 * h, bias: B ? B.slice(3 * h) : null, output: '' };
  } else {
    const ih = through(x).find(product) ?? fail('has neither a GRU node nor a product reading the first layer’s activation');
    const hh = through(hiddenName as string).find(product) ?? fail('has no product reading the hidden-state input');
    const a = linearAt(ih, x);
    const b = linearAt(hh, hiddenName as string);
    if (a.nOut !== 3 * h || b.nOut !== 3 * h) fail(`has recurrent products of width ${a.nOut} and ${b.nOut}, expected 3·${h}`);
    // PyTorch gate order r|z|n → z|r|n, on the output (column) axis of the [in, 3H] snapshot layout
    const reorder = (l: Linear): Linear => {
      const t = transpose(l.weight, l.nIn, 3 * h); // [3H, in]
      const tm = l.mask && transpose(l.mask, l.nIn, 3 * h);
      return {
        ...l,
        weight: transpose(rznToZrn(t, h, l.nIn), 3 * h, l.nIn),
        ...(tm ? { mask: transpose(rznToZrn(tm, h, l.nIn), 3 * h, l.nIn) } : {}),
        bias: l.bias && rznToZrn(l.bias, h, 1),
      };
    };
    wIh = reorder(a);
    wHh = reorder(b);
  }
  // the new hidden state is the graph output that also feeds the last layer
  hOut = g.output.map((o) => o.name).find((nm) => through(nm).some(product)) ?? fail('has no hidden-state output feeding a last layer');

  // --- fc2: the product reading the new hidden state
  const fc2Node = through(hOut).find(product) ?? fail('has no Gemm/MatMul after the recurrent cell');
  const fc2 = linearAt(fc2Node, hOut);

  // --- layout and metadata
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  const inputLayout: InputLayout = props['mast.input_layout'] ? (JSON.parse(props['mast.input_layout']) as InputLayout) : (options.inputLayout ?? fail('carries no mast.input_layout metadata; give the input layout (--env, --no-last-action, --no-agent-id)'));
  if (inputLayout.obs + inputLayout.lastAction + inputLayout.agentId !== fc1.nIn) {
    fail(`reads ${fc1.nIn} inputs but the layout obs ${inputLayout.obs} + last action ${inputLayout.lastAction} + agent id ${inputLayout.agentId} adds up to ${inputLayout.obs + inputLayout.lastAction + inputLayout.agentId}`);
  }
  const nAgents = props['mast.n_agents'] ? Number(props['mast.n_agents']) : (options.nAgents ?? inputLayout.agentId);
  const tensor = (values: Float32Array, shape: number[], mask?: Uint8Array): SnapshotTensor => ({ shape, values, ...(mask ? { mask } : {}) });
  const zeros = (n: number): Float32Array => new Float32Array(n);
  const tensors: Record<RnnAgentTensorName, SnapshotTensor> = {
    'fc1.weight': tensor(fc1.weight, [fc1.nIn, h], fc1.mask),
    'fc1.bias': tensor(fc1.bias ?? zeros(h), [h]),
    'gru.weightIh': tensor(wIh.weight, [h, 3 * h], wIh.mask),
    'gru.weightHh': tensor(wHh.weight, [h, 3 * h], wHh.mask),
    'gru.biasIh': tensor(wIh.bias ?? zeros(3 * h), [3 * h]),
    'gru.biasHh': tensor(wHh.bias ?? zeros(3 * h), [3 * h]),
    'fc2.weight': tensor(fc2.weight, [h, fc2.nOut], fc2.mask),
    'fc2.bias': tensor(fc2.bias ?? zeros(fc2.nOut), [fc2.nOut]),
  };
  const masked = Object.values(tensors).filter((t) => t.mask);
  const runDensity = props['mast.run_density'] ?? props['mast.density'];
  return {
    format: 'mast-agent-snapshot',
    version: 1,
    architecture: { kind: 'rnn-agent', inputLayout, hidden: h, nActions: fc2.nOut, nAgents },
    tensors,
    metadata: {
      env: props['mast.env'] ?? options.env ?? 'unknown',
      algorithm: props['mast.algorithm'] ?? 'imported',
      sparsityMode: props['mast.sparsity_mode'] ?? (masked.length > 0 ? 'imported-sparse' : 'dense'),
      // the run's density budget (agent and mixer together; exports before mast.run_density kept it
      // in mast.density); for models from elsewhere, the agent's own weight-matrix density
      density: runDensity !== undefined ? Number(runDensity) : agentWeightDensity(tensors, MASKED_AGENT_TENSORS),
      seed: Number(props['mast.seed'] ?? 0),
      trainedSteps: Number(props['mast.trained_steps'] ?? 0),
      configHash: props['mast.config_hash'] ?? 'imported',
      config: props['mast.config'] ? JSON.parse(props['mast.config']) : null,
      toolkitVersion: props['mast.toolkit_version'] ?? 'imported',
      ...(props['mast.train_flops_ratio'] !== undefined ? { trainFlopsRatio: Number(props['mast.train_flops_ratio']) } : {}),
    },
  };
}
