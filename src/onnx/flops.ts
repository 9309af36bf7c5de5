/**
 * FLOPs per decision (one agent, one step) of an exported agent network, counted the way the sparse
 * training literature does (RigL, MAST): a matrix product x·W costs 2·n_in·n_out dense and
 * 2·nnz(W) sparse; bias adds, activations and gate arithmetic are small and counted dense.
 *
 * Per node: MatMul 2·nnz(W) | Add, Relu: one per output element | GRU with hidden size H:
 * 2·(nnz(W) + nnz(R)) for the two products, plus 17·H element-wise: 6H bias adds, 2H for z and r's
 * input+recurrent sums, 2H sigmoids, H for r ⊙ (R_h·h + b), H for the candidate's sum, H tanh, and
 * 4H for h' = (1 − z) ⊙ n + z ⊙ h.
 */
import type { ModelProto, NodeProto } from './types.js';
import { inspectModel, type TensorReport } from './inspect.js';

/** FLOPs dense vs sparse and their ratio. */
export interface FlopCount {
  /** The same network with every weight kept. */
  dense: number;
  /** Counting only nonzero (stored) weights. */
  sparse: number;
  /** sparse / dense. */
  ratio: number;
}

/** FLOPs of one dense linear layer at a given density: 2·n_in·n_out·density. */
export function linearFlops(nIn: number, nOut: number, density = 1): number {
  return 2 * nIn * nOut * density;
}

/** Element-wise FLOPs of one GRU step with hidden size `h` (see the file header). */
export const GRU_ELEMENTWISE_PER_UNIT = 17;

/** Count the FLOPs per agent decision of an exported agent model. */
export function agentFlops(model: ModelProto): FlopCount {
  const tensors = new Map<string, TensorReport>(inspectModel(model).tensors.map((t) => [t.name, t]));
  const weightCost = (name: string | undefined): { dense: number; sparse: number } => {
    const t = name === undefined ? undefined : tensors.get(name);
    return t ? { dense: 2 * t.size, sparse: 2 * t.nnz } : { dense: 0, sparse: 0 };
  };
  const producer = new Map(model.graph.node.map((n) => [n.output[0] ?? '', n]));
  /** Elements per row an Add or Relu touches: the width of the bias added here or just before. */
  const elementwiseWidth = (node: NodeProto): number => {
    const bias = tensors.get(node.input[1] ?? '') ?? tensors.get(producer.get(node.input[0] ?? '')?.input[1] ?? '');
    return bias ? (bias.shape[bias.shape.length - 1] ?? 0) : 0;
  };
  let dense = 0;
  let sparse = 0;
  for (const node of model.graph.node) {
    if (node.opType === 'MatMul') {
      const c = weightCost(node.input[1]);
      dense += c.dense;
      sparse += c.sparse;
    } else if (node.opType === 'Add' || node.opType === 'Relu') {
      const n = elementwiseWidth(node);
      dense += n;
      sparse += n;
    } else if (node.opType === 'GRU') {
      const w = weightCost(node.input[1]);
      const r = weightCost(node.input[2]);
      const hidden = node.attribute.find((a) => a.name === 'hidden_size')?.i ?? 0;
      dense += w.dense + r.dense + GRU_ELEMENTWISE_PER_UNIT * hidden;
      sparse += w.sparse + r.sparse + GRU_ELEMENTWISE_PER_UNIT * hidden;
    }
  }
  return { dense, sparse, ratio: dense === 0 ? 1 : sparse / dense };
}
