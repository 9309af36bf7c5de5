/**
 * Exporting the agent network (from a snapshot) to an ONNX model. Graph, for `batch` rows (agents,
 * or agents × environments):
 *
 *   inputs [batch, In] ─MatMul(fc1.weight)─Add(fc1.bias)─Relu─Unsqueeze(0)─┐
 *   h_in   [batch, H]  ─Unsqueeze(0)──────────────────────────────────────GRU(W, R, B; linear_before_reset=1)
 *                                                                          └─Y_h─Squeeze(0)─► h_out [batch, H]
 *   h_out ─MatMul(fc2.weight)─Add(fc2.bias)─► q_values [batch, A]
 *
 * The snapshot stores GRU weights `[H_in, 3H]` with gate blocks z|r|n; ONNX wants W `[1, 3H, H_in]`
 * with gates z, r, h stacked on the first axis, so W is the transpose with a leading 1 (same for R),
 * and B `[1, 6H]` = [Wb (z|r|h) | Rb (z|r|h)]. Weight matrices with a mask become
 * `sparse_initializer`s holding only the active entries (INT64 linearised indices over the ONNX
 * shape, ascending); biases and constants stay dense.
 */
import {
  MASKED_AGENT_TENSORS,
  type AgentSnapshot,
  type RnnAgentTensorName,
  type SnapshotTensor,
} from '@mast-toolkit/runtime/internal/snapshot/types';
import { agentWeightDensity } from '../snapshot/size.js';
import { inputSize, validateSnapshot } from '../snapshot/validate.js';
import {
  makeAttribute,
  makeGraph,
  makeModel,
  makeNode,
  makeSparseTensor,
  makeTensor,
  makeValueInfo,
} from './builders.js';
import {
  AttributeType,
  DataType,
  type ModelProto,
  type SparseTensorProto,
  type TensorProto,
} from '@mast-toolkit/runtime/internal/onnx/types';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { validateModel } from '@mast-toolkit/runtime/internal/onnx/validate';
import { agentFlops } from './flops.js';
import { AGENT_IO, type AgentMetadataProps } from '@mast-toolkit/runtime/internal/onnx/agent-contract';

// the contract's names and readers, re-exported for the exporter's existing callers
export {
  AGENT_IO,
  checkAgentSignature,
  readAgentMetadata,
  type AgentModelMetadata,
} from '@mast-toolkit/runtime/internal/onnx/agent-contract';

/** How weight matrices are stored: sparse, dense, or sparse only where density < 1/3. */
export type WeightFormat = 'sparse' | 'dense' | 'auto';

/**
 * Where a sparse weight lives: a graph `sparse_initializer` (default), or a `Constant` node's
 * `sparse_value`, which the ONNX checker's full check accepts (its strict shape inference types a
 * sparse initializer feeding MatMul as a sparse tensor, which MatMul does not take). ONNX Runtime and
 * the sparse engine read both.
 */
export type SparseEncoding = 'initializer' | 'constant';

/** Export options. */
export interface ExportOptions {
  format?: WeightFormat;
  sparseEncoding?: SparseEncoding;
}

/** Below this density sparse storage is smaller: 12 bytes per kept weight (fp32 + INT64) vs 4 dense. */
export const SPARSE_STORAGE_BREAK_EVEN = 1 / 3;

/** `[rows, cols]` row-major → `[cols, rows]` row-major. */
function transpose<T extends Float32Array | Uint8Array>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}

function density(t: SnapshotTensor): number {
  return t.mask ? t.mask.reduce((a, m) => a + m, 0) / t.mask.length : 1;
}

/** A weight tensor in ONNX layout, stored sparse or dense as `format` decides. */
function weight(
  name: string,
  dims: number[],
  values: Float32Array,
  mask: Uint8Array | undefined,
  format: WeightFormat,
  out: { dense: TensorProto[]; sparse: SparseTensorProto[] },
): void {
  const d = mask ? mask.reduce((a, m) => a + m, 0) / mask.length : 1;
  const sparse = mask !== undefined && (format === 'sparse' || (format === 'auto' && d < SPARSE_STORAGE_BREAK_EVEN));
  if (!sparse) {
    out.dense.push(makeTensor(name, DataType.FLOAT, dims, values));
    return;
  }
  const indices: number[] = [];
  mask.forEach((m, i) => m && indices.push(i));
  out.sparse.push(
    makeSparseTensor(
      name,
      dims,
      indices,
      Float32Array.from(indices, (i) => values[i] as number),
    ),
  );
}

/** Build the ONNX model of a snapshot's agent network. */
export function exportAgent(snap: AgentSnapshot, options: ExportOptions = {}): ModelProto {
  validateSnapshot(snap);
  const format = options.format ?? 'sparse';
  const encoding = options.sparseEncoding ?? 'initializer';
  const { hidden: h, nActions: a } = snap.architecture;
  const nIn = inputSize(snap.architecture);
  const t = snap.tensors;
  const store = { dense: [] as TensorProto[], sparse: [] as SparseTensorProto[] };
  const gruT = (name: RnnAgentTensorName) => ({
    values: transpose(t[name].values, h, 3 * h),
    mask: t[name].mask && transpose(t[name].mask, h, 3 * h),
  });

  weight('fc1.weight', [nIn, h], t['fc1.weight'].values, t['fc1.weight'].mask, format, store);
  const w = gruT('gru.weightIh');
  weight('gru.W', [1, 3 * h, h], w.values, w.mask, format, store);
  const r = gruT('gru.weightHh');
  weight('gru.R', [1, 3 * h, h], r.values, r.mask, format, store);
  weight('fc2.weight', [h, a], t['fc2.weight'].values, t['fc2.weight'].mask, format, store);
  const bias = new Float32Array(6 * h);
  bias.set(t['gru.biasIh'].values, 0);
  bias.set(t['gru.biasHh'].values, 3 * h);
  store.dense.push(
    makeTensor('fc1.bias', DataType.FLOAT, [h], t['fc1.bias'].values),
    makeTensor('gru.B', DataType.FLOAT, [1, 6 * h], bias),
    makeTensor('fc2.bias', DataType.FLOAT, [a], t['fc2.bias'].values),
    makeTensor('axes0', DataType.INT64, [1], [0]),
  );

  const constants =
    encoding === 'constant'
      ? store.sparse.map((sp) =>
          makeNode('Constant', [], [sp.values.name], {
            name: `${sp.values.name}.constant`,
            attributes: [{ name: 'sparse_value', type: AttributeType.SPARSE_TENSOR, sparseTensor: sp }],
          }),
        )
      : [];
  const nodes = [
    ...constants,
    makeNode('MatMul', [AGENT_IO.inputs, 'fc1.weight'], ['fc1.matmul']),
    makeNode('Add', ['fc1.matmul', 'fc1.bias'], ['fc1.out']),
    makeNode('Relu', ['fc1.out'], ['fc1.relu']),
    makeNode('Unsqueeze', ['fc1.relu', 'axes0'], ['gru.x']), // [1, batch, H]
    makeNode('Unsqueeze', [AGENT_IO.hIn, 'axes0'], ['gru.h0']), // [1, batch, H]
    makeNode('GRU', ['gru.x', 'gru.W', 'gru.R', 'gru.B', '', 'gru.h0'], ['', 'gru.y_h'], {
      name: 'gru',
      attributes: [makeAttribute('hidden_size', h), makeAttribute('linear_before_reset', 1)],
    }),
    makeNode('Squeeze', ['gru.y_h', 'axes0'], [AGENT_IO.hOut]), // [batch, H]
    makeNode('MatMul', [AGENT_IO.hOut, 'fc2.weight'], ['fc2.matmul']),
    makeNode('Add', ['fc2.matmul', 'fc2.bias'], [AGENT_IO.qValues]),
  ];
  const graph = makeGraph(
    nodes,
    'mast_rnn_agent',
    [
      makeValueInfo(AGENT_IO.inputs, DataType.FLOAT, ['batch', nIn]),
      makeValueInfo(AGENT_IO.hIn, DataType.FLOAT, ['batch', h]),
    ],
    [
      makeValueInfo(AGENT_IO.qValues, DataType.FLOAT, ['batch', a]),
      makeValueInfo(AGENT_IO.hOut, DataType.FLOAT, ['batch', h]),
    ],
    {
      initializers: store.dense,
      sparseInitializers: encoding === 'constant' ? [] : store.sparse,
      docString: 'MAST agent network: Linear → ReLU → GRU → Linear, shared by all agents',
    },
  );
  const m = snap.metadata;
  const perLayer = Object.fromEntries(
    (['fc1.weight', 'gru.weightIh', 'gru.weightHh', 'fc2.weight'] as const).map((n) => [n, density(t[n])]),
  );
  const metadata: AgentMetadataProps = {
    'mast.format_version': '1',
    'mast.env': m.env,
    'mast.algorithm': m.algorithm,
    'mast.input_layout': JSON.stringify(snap.architecture.inputLayout),
    'mast.hidden': String(h),
    'mast.n_actions': String(a),
    'mast.n_agents': String(snap.architecture.nAgents),
    'mast.sparsity_mode': m.sparsityMode,
    // the agent's weight-matrix density (src/snapshot/size.ts), what `mast inspect` counts in the file;
    // the run's budget over agent and mixer together is kept apart as mast.run_density
    'mast.density': String(agentWeightDensity(t, MASKED_AGENT_TENSORS)),
    'mast.run_density': String(m.density),
    'mast.per_layer_density': JSON.stringify(perLayer),
    'mast.seed': String(m.seed),
    'mast.trained_steps': String(m.trainedSteps),
    'mast.config_hash': m.configHash,
    'mast.config': JSON.stringify(m.config),
    'mast.toolkit_version': m.toolkitVersion,
    'mast.weight_format': format,
    'mast.sparse_encoding': encoding,
    ...(m.trainFlopsRatio === undefined ? {} : { 'mast.train_flops_ratio': String(m.trainFlopsRatio) }),
    ...(m.provenance === undefined ? {} : { 'mast.provenance': JSON.stringify(m.provenance) }),
  };
  const model = makeModel(graph, {
    producerVersion: m.toolkitVersion,
    docString: `MAST agent for ${m.env} (${m.algorithm}, ${m.sparsityMode})`,
    metadata: metadata as Record<string, string>,
  });
  const flops = agentFlops(model); // counted on the graph just built, so it is what `mast inspect` reports
  const flopProps: AgentMetadataProps = {
    'mast.flops_dense': String(flops.dense),
    'mast.flops_sparse': String(flops.sparse),
  };
  model.metadataProps.push(...Object.entries(flopProps).map(([key, value]) => ({ key, value: value as string })));
  validateModel(model);
  return model;
}

/** {@link exportAgent}, serialised to ONNX bytes. */
export function exportAgentBytes(snap: AgentSnapshot, options: ExportOptions = {}): Uint8Array {
  return encodeModel(exportAgent(snap, options));
}
