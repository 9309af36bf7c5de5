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
import { DataType, type ModelProto, type TensorProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { inspectModel, type TensorReport } from '@mast-toolkit/runtime/internal/onnx/inspect';

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

/** Element-wise ops counted as one FLOP per element of their output row. */
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Relu', 'Sigmoid', 'Tanh']);
/** Ops that move values without arithmetic: a row keeps its width through them. */
const RESHAPING = new Set(['Unsqueeze', 'Squeeze', 'Reshape', 'Flatten', 'Identity']);

/**
 * Count the FLOPs per agent decision of an agent model: this toolkit's export (MatMul + Add, the ONNX
 * GRU) or a PyTorch export (Gemm for `nn.Linear`, the ONNX GRU for `nn.GRU`, and `nn.GRUCell`
 * unrolled into Gemm, Split, Sigmoid, Tanh, Mul, Sub and Add). The width of each value's last axis is
 * followed through the graph so the element-wise ops of an unrolled GRU cell are counted too.
 */
export function agentFlops(model: ModelProto): FlopCount {
  const tensors = new Map<string, TensorReport>(inspectModel(model).tensors.map((t) => [t.name, t]));
  const constantInts = new Map<string, number[]>();
  for (const t of model.graph.initializer)
    if (t.int64Data?.length || t.rawData?.length) constantInts.set(t.name, int64s(t));
  for (const n of model.graph.node) {
    const value = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (value && n.output[0]) constantInts.set(n.output[0], int64s(value));
  }
  const width = new Map<string, number>(); // last-axis width of each value, where known
  for (const v of model.graph.input) {
    const last = v.type.tensorType.shape?.dim.at(-1)?.dimValue;
    if (typeof last === 'number') width.set(v.name, Number(last));
  }
  for (const t of tensors.values()) width.set(t.name, t.shape.at(-1) ?? 1);
  let dense = 0;
  let sparse = 0;
  const add = (d: number, s = d): void => {
    dense += d;
    sparse += s;
  };
  for (const node of model.graph.node) {
    const [in0 = '', in1 = '', in2 = ''] = node.input;
    const out = node.output[0] ?? '';
    if (node.opType === 'MatMul' || node.opType === 'Gemm') {
      const w = tensors.get(in1);
      if (w) add(2 * w.size, 2 * w.nnz);
      const transB = node.attribute.find((a) => a.name === 'transB')?.i === 1;
      const outWidth = w ? (transB ? w.shape[0] : w.shape.at(-1)) : undefined;
      if (outWidth !== undefined) width.set(out, outWidth);
      if (node.opType === 'Gemm' && in2 && outWidth !== undefined) add(outWidth); // the bias add
    } else if (node.opType === 'GRU') {
      const hidden = Number(node.attribute.find((a) => a.name === 'hidden_size')?.i ?? 0);
      const w = tensors.get(in1);
      const r = tensors.get(in2);
      add(
        (w ? 2 * w.size : 0) + (r ? 2 * r.size : 0) + GRU_ELEMENTWISE_PER_UNIT * hidden,
        (w ? 2 * w.nnz : 0) + (r ? 2 * r.nnz : 0) + GRU_ELEMENTWISE_PER_UNIT * hidden,
      );
      for (const o of node.output) if (o) width.set(o, hidden);
    } else if (node.opType === 'Split') {
      const parts = constantInts.get(in1) ?? node.attribute.find((a) => a.name === 'split')?.ints?.map(Number);
      const whole = width.get(in0);
      node.output.forEach((o, i) => {
        const w = parts?.[i] ?? (whole === undefined ? undefined : whole / node.output.length);
        if (w !== undefined) width.set(o, w);
      });
    } else if (RESHAPING.has(node.opType)) {
      const w = width.get(in0);
      if (w !== undefined) width.set(out, w);
    } else if (ELEMENTWISE.has(node.opType)) {
      const w = Math.max(...node.input.map((i) => width.get(i) ?? 0));
      if (w > 0) {
        width.set(out, w);
        add(w);
      }
    }
  }
  return { dense, sparse, ratio: dense === 0 ? 1 : sparse / dense };
}

/** The integers of a small INT64 tensor (split sizes, axes), from int64Data or rawData. */
function int64s(t: TensorProto): number[] {
  if (t.int64Data?.length) return t.int64Data.map(Number);
  const raw = t.rawData;
  if (!raw || raw.length % 8 !== 0 || t.dataType !== DataType.INT64) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(8 * i, true)));
}
