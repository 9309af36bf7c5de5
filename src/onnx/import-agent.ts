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
import {
  MASKED_AGENT_TENSORS,
  type AgentSnapshot,
  type InputLayout,
  type ModelProvenance,
  type RnnAgentTensorName,
  type SnapshotTensor,
} from '@mast-toolkit/runtime/internal/snapshot/types';
import { provenanceProblem } from '../snapshot/validate.js';
import { agentWeightDensity } from '../snapshot/size.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { DataType, type ModelProto, type NodeProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { numel, readFloats } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { graphConstants } from '@mast-toolkit/runtime/internal/onnx/constants';
import { decodeSparseIndices } from '@mast-toolkit/runtime/internal/onnx/sparse-indices';
import {
  parseCount,
  parseInputLayout,
  parseJson,
  parseNumber,
} from '@mast-toolkit/runtime/internal/onnx/metadata-values';
import { MAX_AGENTS } from '@mast-toolkit/runtime/internal/onnx/limits';

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
  for (const [name, t] of found.dense)
    if (t.dataType === DataType.FLOAT) out.set(name, { values: readFloats(t), dims: [...t.dims] });
  for (const [name, s] of found.sparse) {
    if (s.values.dataType !== DataType.FLOAT) continue; // not a weight (float64 weights are refused by name below)
    const size = numel(s.dims);
    const values = new Float32Array(size);
    const mask = new Uint8Array(size);
    const idx = decodeSparseIndices(s); // the one decoder: linear [NNZ] or coordinates [NNZ, rank]
    const vals = readFloats(s.values);
    vals.forEach((v, k) => {
      const linear = idx[k] as number;
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

/**
 * What a PyTorch export must look like to be imported, checked before anything is traced, so the
 * error names the cause and the `torch.onnx.export` fix (not ONNX Runtime's "Expected: 5"): FLOAT
 * weights and a dynamic batch axis on every input.
 */
function checkPytorchConventions(model: ModelProto, fail: (message: string, hint?: string) => never): void {
  const g = model.graph;
  const wide = [...g.initializer, ...g.sparseInitializer.map((s) => s.values)].find(
    (t) => t.dataType === DataType.DOUBLE,
  );
  if (wide)
    fail(
      `stores weight '${wide.name}' as float64 (DOUBLE); agents are float32`,
      'convert the module with model.float() (and feed float32 example inputs) before torch.onnx.export',
    );
  const constants = new Set([...g.initializer.map((t) => t.name), ...g.sparseInitializer.map((s) => s.values.name)]);
  for (const v of [...g.input.filter((i) => !constants.has(i.name)), ...g.output]) {
    const dims = v.type.tensorType.shape?.dim ?? [];
    if (v.type.tensorType.elemType === DataType.DOUBLE)
      fail(
        `has ${g.output.includes(v) ? 'output' : 'input'} '${v.name}' of float64; agents read and write float32`,
        'convert the module with model.float() and export with float32 example inputs',
      );
    const batch = dims[0];
    if (dims.length >= 2 && batch?.dimValue !== undefined && batch.dimParam === undefined) {
      fail(
        `fixes the batch axis of '${v.name}' to ${batch.dimValue}; an agent runs any number of agents at once`,
        `re-export with dynamic_axes={"${v.name}": {0: "batch"}, ...} for every input and output of torch.onnx.export`,
      );
    }
  }
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
  const fail = (
    message: string,
    hint = 'mast import reads Linear → ReLU → GRU(Cell) → Linear agents (this toolkit’s exports, or pymarl agents exported from PyTorch)',
  ): never => {
    throw new ToolkitError('E_ONNX_LOAD', `import: ${what} ${message}`, { hint });
  };
  const g = model.graph;
  checkPytorchConventions(model, fail);
  const c = constants(model);
  // consumers by tensor name, built once: tracing stays linear in the graph's size
  const consumerIndex = new Map<string, NodeProto[]>();
  for (const n of g.node)
    for (const i of new Set(n.input)) if (i !== '') consumerIndex.set(i, [...(consumerIndex.get(i) ?? []), n]);
  const consumers = (name: string): NodeProto[] => (name === '' ? [] : (consumerIndex.get(name) ?? []));
  const attr = (n: NodeProto, name: string): number => Number(n.attribute.find((a) => a.name === name)?.i ?? 0);
  const initializerInputs = new Set(c.keys());
  const [inputsName, hiddenName] = g.input.map((i) => i.name).filter((nm) => !initializerInputs.has(nm));
  if (!inputsName || !hiddenName) fail('needs two graph inputs: the agent input and the hidden state');

  /** Follow pass-through ops (Reshape, Unsqueeze, Squeeze, Flatten, Identity) from a tensor to its real consumers; each tensor once. */
  const passThrough = new Set(['Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'Identity']);
  const throughMemo = new Map<string, NodeProto[]>();
  const through = (start: string): NodeProto[] => {
    const cached = throughMemo.get(start);
    if (cached) return cached;
    const found: NodeProto[] = [];
    const seen = new Set<string>([start]);
    const stack = [start];
    while (stack.length > 0) {
      for (const n of consumers(stack.pop() as string)) {
        if (!passThrough.has(n.opType)) {
          if (!found.includes(n)) found.push(n);
          continue;
        }
        const next = n.output[0] ?? '';
        if (next !== '' && !seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    throughMemo.set(start, found);
    return found;
  };

  /** The linear layer a Gemm or MatMul (+ Add) node computes, as snapshot layout `[in, out]`. */
  const linearAt = (node: NodeProto, from: string): Linear => {
    const weightName =
      node.input.find((i) => i !== from && c.has(i)) ??
      fail(`has a ${node.opType} ('${node.output[0]}') without a constant weight`);
    const w = c.get(weightName) as Constant;
    if (w.dims.length !== 2)
      fail(
        `has a ${node.opType} ('${node.output[0]}') by '${weightName}' of shape [${w.dims}]; a linear layer's weight is a matrix`,
      );
    const [d0, d1] = [w.dims[0] as number, w.dims[1] as number];
    // Gemm with transB = 1 (PyTorch Linear) stores [out, in]; MatMul stores [in, out]
    const transposed = node.opType === 'Gemm' && attr(node, 'transB') === 1;
    const [nIn, nOut] = transposed ? [d1, d0] : [d0, d1];
    const weight = transposed ? transpose(w.values, d0, d1) : w.values;
    const mask = w.mask && (transposed ? transpose(w.mask, d0, d1) : w.mask);
    let bias: Float32Array | null =
      node.opType === 'Gemm' && node.input[2] ? (c.get(node.input[2])?.values ?? null) : null;
    if (bias && bias.length !== nOut)
      fail(`has a Gemm ('${node.output[0]}') with a bias of ${bias.length} values for ${nOut} outputs`);
    let output = node.output[0] as string;
    const add = consumers(output).find(
      (n) => n.opType === 'Add' && n.input.some((i) => c.has(i) && numel(c.get(i)!.dims) === nOut),
    );
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
    if (attr(gru, 'linear_before_reset') !== 1)
      fail('has a GRU with linear_before_reset = 0; pymarl agents (PyTorch GRUCell) use 1');
    const [, wName = '', rName = '', bName = ''] = gru.input;
    const W = c.get(wName) ?? fail('has a GRU whose W is not a constant');
    const R = c.get(rName) ?? fail('has a GRU whose R is not a constant');
    const B = bName ? c.get(bName)?.values : undefined;
    if (attr(gru, 'layout') !== 0) fail('has a GRU with layout = 1 (batch first); export it with batch_first=False');
    if (attr(gru, 'hidden_size') !== h)
      fail(`has a GRU of hidden_size ${attr(gru, 'hidden_size')} after a first layer of width ${h}`);
    if (W.dims.join() !== [1, 3 * h, h].join() || R.dims.join() !== [1, 3 * h, h].join() || (B && B.length !== 6 * h)) {
      fail(
        `has a GRU with W [${W.dims}], R [${R.dims}]${B ? `, B of ${B.length} values` : ''}; for hidden size ${h} they are [1, ${3 * h}, ${h}], [1, ${3 * h}, ${h}] and 6·${h} values`,
      );
    }
    // ONNX W [1, 3H, In] → snapshot [In, 3H] (gates already z, r, h)
    wIh = {
      weight: transpose(W.values, 3 * h, h),
      ...(W.mask ? { mask: transpose(W.mask, 3 * h, h) } : {}),
      nIn: h,
      nOut: 3 * h,
      bias: B ? B.slice(0, 3 * h) : null,
      output: '',
    };
    wHh = {
      weight: transpose(R.values, 3 * h, h),
      ...(R.mask ? { mask: transpose(R.mask, 3 * h, h) } : {}),
      nIn: h,
      nOut: 3 * h,
      bias: B ? B.slice(3 * h) : null,
      output: '',
    };
  } else {
    const ih =
      through(x).find(product) ?? fail('has neither a GRU node nor a product reading the first layer’s activation');
    const hh = through(hiddenName as string).find(product) ?? fail('has no product reading the hidden-state input');
    const a = linearAt(ih, x);
    const b = linearAt(hh, hiddenName as string);
    if (a.nOut !== 3 * h || b.nOut !== 3 * h || a.nIn !== h || b.nIn !== h)
      fail(`has recurrent products of [${a.nIn}, ${a.nOut}] and [${b.nIn}, ${b.nOut}], expected [${h}, 3·${h}]`);
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
  hOut =
    g.output.map((o) => o.name).find((nm) => through(nm).some(product)) ??
    fail('has no hidden-state output feeding a last layer');
  if (g.output.length === 2 && g.output[0]?.name === hOut) {
    fail(
      `lists its outputs as (hidden state '${hOut}', Q-values '${g.output[1]?.name}'); an agent's outputs are (Q-values, hidden state)`,
      'return (q, h) from forward() and pass output_names=["q", "h"] in that order to torch.onnx.export',
    );
  }

  // --- fc2: the product reading the new hidden state
  const fc2Node = through(hOut).find(product) ?? fail('has no Gemm/MatMul after the recurrent cell');
  const fc2 = linearAt(fc2Node, hOut);
  if (fc2.nIn !== h) fail(`has a last layer over ${fc2.nIn} inputs after a recurrent cell of ${h} units`);

  // --- layout and metadata
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  const inputLayout: InputLayout =
    props['mast.input_layout'] !== undefined
      ? parseInputLayout(what, props['mast.input_layout'])
      : (options.inputLayout ??
        fail('carries no mast.input_layout metadata; give the input layout (--env, --no-last-action, --no-agent-id)'));
  if (inputLayout.obs + inputLayout.lastAction + inputLayout.agentId !== fc1.nIn) {
    fail(
      `reads ${fc1.nIn} inputs but the layout obs ${inputLayout.obs} + last action ${inputLayout.lastAction} + agent id ${inputLayout.agentId} adds up to ${inputLayout.obs + inputLayout.lastAction + inputLayout.agentId}`,
    );
  }
  const nAgents =
    props['mast.n_agents'] !== undefined
      ? parseCount(what, 'mast.n_agents', props['mast.n_agents'], MAX_AGENTS)
      : (options.nAgents ?? inputLayout.agentId);
  const num = (key: string, fallback: number): number =>
    props[key] !== undefined ? parseNumber(what, key, props[key]) : fallback;
  const tensor = (values: Float32Array, shape: number[], mask?: Uint8Array): SnapshotTensor => ({
    shape,
    values,
    ...(mask ? { mask } : {}),
  });
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
      density: num(
        props['mast.run_density'] !== undefined ? 'mast.run_density' : 'mast.density',
        agentWeightDensity(tensors, MASKED_AGENT_TENSORS),
      ),
      seed: num('mast.seed', 0),
      trainedSteps: num('mast.trained_steps', 0),
      configHash: props['mast.config_hash'] ?? 'imported',
      config: props['mast.config']
        ? (parseJson(what, 'mast.config', props['mast.config']) as AgentSnapshot['metadata']['config'])
        : null,
      toolkitVersion: props['mast.toolkit_version'] ?? 'imported',
      ...(props['mast.train_flops_ratio'] !== undefined
        ? { trainFlopsRatio: parseNumber(what, 'mast.train_flops_ratio', props['mast.train_flops_ratio']) }
        : {}),
      ...(props['mast.provenance'] !== undefined
        ? { provenance: parseProvenance(what, props['mast.provenance']) }
        : {}),
    },
  };
}

/** `mast.provenance`: a {@link ModelProvenance} as JSON; anything else is an `E_ONNX_LOAD` naming the key. */
function parseProvenance(what: string, value: string): ModelProvenance {
  const parsed = parseJson(what, 'mast.provenance', value);
  const problem = provenanceProblem(parsed);
  if (problem !== null)
    throw new ToolkitError('E_ONNX_LOAD', `import: ${what} has a malformed mast.provenance (${problem})`, {
      hint: 'the metadata is damaged; export the model again from its run directory',
    });
  return parsed as ModelProvenance;
}
