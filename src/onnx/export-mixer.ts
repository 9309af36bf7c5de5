/**
 * Exporting the mixing network (`mast export --with-mixer`, a second `.mixer.onnx` file) for users who
 * evaluate joint values. Inputs `agent_qs [batch, N]` (each agent's Q of its chosen action) and
 * `state [batch, S]`; output `q_tot [batch, 1]`.
 *
 * QMIX (pymarl2, as `marl/mixers/qmix.ts` computes it):
 *   w1 = |ReLU(s·W1₀ + b)·W1₁ + b|  → [batch, N, E]     b1 = s·Wb + b → [batch, 1, E]
 *   hidden = ELU(agent_qs[batch, 1, N] · w1 + b1)         → [batch, 1, E]
 *   wf = |ReLU(s·Wf₀ + b)·Wf₁ + b|  → [batch, E, 1]     v = ReLU(s·V₀ + b)·V₁ + b → [batch, 1, 1]
 *   q_tot = hidden · wf + v                              → [batch, 1]
 * VDN: q_tot = Σ_i agent_qs_i. Masked weight matrices are stored sparse like the agent's.
 */
import type { MixerSnapshot } from '../snapshot/mixer.js';
import { makeGraph, makeModel, makeNode, makeSparseTensor, makeTensor, makeValueInfo } from './builders.js';
import { SPARSE_STORAGE_BREAK_EVEN, type ExportOptions } from './export-agent.js';
import { GRAPH_KIND_KEY, GRAPH_KINDS } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import {
  AttributeType,
  DataType,
  type ModelProto,
  type NodeProto,
  type SparseTensorProto,
  type TensorProto,
} from '@mast-toolkit/runtime/internal/onnx/types';
import { validateModel } from '@mast-toolkit/runtime/internal/onnx/validate';

/** Input and output names of the exported mixer graph. */
export const MIXER_IO = { agentQs: 'agent_qs', state: 'state', qTot: 'q_tot' } as const;

/**
 * Build the ONNX model of a mixer snapshot. `format` and `sparseEncoding` store its masked weight
 * matrices as the agent's export does (`mast export --format`, `--sparse-as`): sparse, dense, or
 * sparse only below 1/3 density; sparse as initializers or as Constant nodes with `sparse_value`.
 */
export function exportMixer(snap: MixerSnapshot, options: ExportOptions = {}): ModelProto {
  const format = options.format ?? 'sparse';
  const encoding = options.sparseEncoding ?? 'initializer';
  const { kind, nAgents: n, stateShape: s, embed: e } = snap.architecture;
  const dense: TensorProto[] = [];
  const sparse: SparseTensorProto[] = [];
  const nodes: NodeProto[] = [];
  const shape = (name: string, dims: number[]): string => {
    dense.push(makeTensor(name, DataType.INT64, [dims.length], dims));
    return name;
  };
  if (kind === 'vdn') {
    dense.push(makeTensor('axes1', DataType.INT64, [1], [1]));
    nodes.push(
      makeNode('ReduceSum', [MIXER_IO.agentQs, 'axes1'], [MIXER_IO.qTot], {
        attributes: [{ name: 'keepdims', type: 2, i: 1 }],
      }),
    );
  } else {
    for (const [name, t] of Object.entries(snap.tensors)) {
      const density = t.mask ? t.mask.reduce((a, m) => a + m, 0) / t.mask.length : 1;
      const stored =
        t.mask !== undefined &&
        name.endsWith('.weight') &&
        (format === 'sparse' || (format === 'auto' && density < SPARSE_STORAGE_BREAK_EVEN));
      if (stored) {
        const indices: number[] = [];
        t.mask!.forEach((m, i) => m && indices.push(i));
        sparse.push(
          makeSparseTensor(
            name,
            t.shape,
            indices,
            Float32Array.from(indices, (i) => t.values[i] as number),
          ),
        );
      } else {
        dense.push(makeTensor(name, DataType.FLOAT, t.shape, t.values));
      }
    }
    /** y = x·W + b for layer `layer`, returning the output name. */
    const linear = (layer: string, x: string): string => {
      nodes.push(
        makeNode('MatMul', [x, `${layer}.weight`], [`${layer}.matmul`]),
        makeNode('Add', [`${layer}.matmul`, `${layer}.bias`], [`${layer}.out`]),
      );
      return `${layer}.out`;
    };
    const relu = (x: string): string => {
      nodes.push(makeNode('Relu', [x], [`${x}.relu`]));
      return `${x}.relu`;
    };
    const abs = (x: string): string => {
      nodes.push(makeNode('Abs', [x], [`${x}.abs`]));
      return `${x}.abs`;
    };
    const reshape = (x: string, dims: number[], out: string): string => {
      nodes.push(makeNode('Reshape', [x, shape(`${out}.shape`, dims)], [out]));
      return out;
    };
    const st = MIXER_IO.state;
    const w1 = reshape(abs(linear('hyperW1.1', relu(linear('hyperW1.0', st)))), [-1, n, e], 'w1'); // [batch, N, E]
    const b1 = reshape(linear('hyperB1', st), [-1, 1, e], 'b1'); // [batch, 1, E]
    const qs = reshape(MIXER_IO.agentQs, [-1, 1, n], 'qs'); // [batch, 1, N]
    nodes.push(
      makeNode('MatMul', [qs, w1], ['mix.matmul']),
      makeNode('Add', ['mix.matmul', b1], ['mix.pre']),
      makeNode('Elu', ['mix.pre'], ['mix.hidden']),
    ); // [batch, 1, E]
    const wf = reshape(abs(linear('hyperWf.1', relu(linear('hyperWf.0', st)))), [-1, e, 1], 'wf'); // [batch, E, 1]
    const v = reshape(linear('value.1', relu(linear('value.0', st))), [-1, 1, 1], 'v'); // [batch, 1, 1]
    nodes.push(makeNode('MatMul', ['mix.hidden', wf], ['mix.out']), makeNode('Add', ['mix.out', v], ['q_tot.3d']));
    reshape('q_tot.3d', [-1, 1], MIXER_IO.qTot);
  }
  // Constant nodes holding the sparse weights come first, so every use follows its producer
  const constants =
    encoding === 'constant'
      ? sparse.map((sp) =>
          makeNode('Constant', [], [sp.values.name], {
            name: `${sp.values.name}.constant`,
            attributes: [{ name: 'sparse_value', type: AttributeType.SPARSE_TENSOR, sparseTensor: sp }],
          }),
        )
      : [];
  const graph = makeGraph(
    [...constants, ...nodes],
    `mast_${kind}_mixer`,
    [
      makeValueInfo(MIXER_IO.agentQs, DataType.FLOAT, ['batch', n]),
      makeValueInfo(MIXER_IO.state, DataType.FLOAT, ['batch', s]),
    ],
    [makeValueInfo(MIXER_IO.qTot, DataType.FLOAT, ['batch', 1])],
    {
      initializers: dense,
      sparseInitializers: encoding === 'constant' ? [] : sparse,
      docString: `MAST ${kind.toUpperCase()} mixing network`,
    },
  );
  const m = snap.metadata;
  const model = makeModel(graph, {
    producerVersion: m.toolkitVersion,
    docString: `MAST ${kind} mixer for ${m.env}`,
    metadata: {
      'mast.format_version': '1',
      [GRAPH_KIND_KEY]: GRAPH_KINDS.mixer,
      'mast.mixer': kind,
      'mast.env': m.env,
      'mast.n_agents': String(n),
      'mast.state_shape': String(s),
      'mast.config_hash': m.configHash,
      'mast.toolkit_version': m.toolkitVersion,
      'mast.weight_format': format,
      'mast.sparse_encoding': encoding,
    },
  });
  validateModel(model);
  return model;
}
