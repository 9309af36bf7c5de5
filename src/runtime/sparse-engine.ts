/**
 * The sparse engine: runs an exported agent graph's ops directly from the `.onnx` model, with every
 * weight matrix in compressed sparse rows, so a decision costs work proportional to the nonzeros.
 * ONNX Runtime densifies sparse initializers on load and computes densely; this engine is what turns
 * a sparse agent's FLOP reduction into less work at run time.
 *
 * It interprets the node list (MatMul with a constant right operand, Add, Relu, Unsqueeze, Squeeze and
 * a forward GRU with default activations, either `linear_before_reset`), so it runs any row-wise graph
 * built from those ops, not one hard-wired layout; anything else is refused when the model is loaded.
 * Every activation is a `[batch, features]` matrix (leading singleton axes, as around the GRU, are
 * bookkeeping only) and is held feature-major, `[features, batch]`, so the kernels read each stored
 * weight once for several batch rows (`csr.ts`). Buffers are allocated once per batch size; gate
 * nonlinearities come from an interpolated table (`activations.ts`), since `Math.exp` would dominate.
 *
 * GRU (ONNX operator definition), per step, gates z, r, h stacked in W [1, 3H, In], R [1, 3H, H],
 * B [1, 6H] = [Wb | Rb]:
 *   z = σ(x·Wzᵀ + h·Rzᵀ + Wbz + Rbz),  r = σ(x·Wrᵀ + h·Rrᵀ + Wbr + Rbr)
 *   n = tanh(x·Whᵀ + r ⊙ (h·Rhᵀ + Rbh) + Wbh)      (linear_before_reset = 1)
 *   n = tanh(x·Whᵀ + (r ⊙ h)·Rhᵀ + Rbh + Wbh)      (linear_before_reset = 0)
 *   h' = (1 − z) ⊙ n + z ⊙ h
 */
import type { AttributeProto, ModelProto, NodeProto } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { readFloats, readInts } from '../onnx/tensor-data.js';
import { graphConstants } from '../onnx/constants.js';
import { ShapeError, ToolkitError } from '../util/errors.js';
import { csrFromEntries, csrMultiplyFm, nnz, type CsrMatrix } from './csr.js';
import type { AgentDims } from './ort.js';
import { fastSigmoid as sigmoid, fastTanh } from './activations.js';

/** The ops the engine runs. */
export const SPARSE_ENGINE_OPS = ['MatMul', 'Add', 'Relu', 'Unsqueeze', 'Squeeze', 'GRU'] as const;

/** One compiled op over value slots; `buf(slot)` is that slot's `[features, batch]` buffer. */
type Op = (buf: (slot: number) => Float32Array, batch: number) => void;


function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

/** One exported agent network, compiled for the sparse engine. */
export class SparseAgentEngine {
  private readonly buffers = new Map<number, Float32Array[]>(); // batch → slot buffers

  private constructor(
    readonly dims: AgentDims,
    private readonly ops: Op[],
    /** Features of each value slot. */
    private readonly width: number[],
    private readonly slots: { inputs: number; hIn: number; qValues: number; hOut: number },
    /** Weights stored in the compiled matrices (what a row's work is proportional to). */
    readonly storedWeights: number,
  ) {}

  /**
   * Compile `model` (already validated) for the sparse engine.
   * @throws ToolkitError (E_ONNX_LOAD) naming the first op or operand it cannot run.
   */
  static fromModel(model: ModelProto, dims: AgentDims, what = 'model'): SparseAgentEngine {
    const g = model.graph;
    const fail = (message: string): never => {
      throw new ToolkitError('E_ONNX_LOAD', `sparse engine: ${what} ${message}`, { hint: 'run it with ONNX Runtime instead (--engine ort)' });
    };
    // --- constants: dense initializers as arrays, sparse ones as (linear index, value) lists
    const found = graphConstants(model);
    const dense = new Map<string, { data: Float32Array; dims: number[] }>();
    for (const [name, t] of found.dense) dense.set(name, { data: t.dataType === DataType.FLOAT ? readFloats(t) : Float32Array.from(readInts(t)), dims: [...t.dims] });
    const sparse = new Map<string, { dims: number[]; indices: number[]; values: Float32Array }>();
    for (const [name, s] of found.sparse) sparse.set(name, { dims: [...s.dims], indices: readInts(s.indices), values: readFloats(s.values) });
    const constDims = (name: string): number[] => dense.get(name)?.dims ?? sparse.get(name)?.dims ?? fail(`has no constant '${name}'`);
    const vector = (name: string): Float32Array => dense.get(name)?.data ?? fail(`needs '${name}' as a dense constant`);

    /** A constant matrix as `rows` output units over `cols` inputs; `transposed` for MatMul's right operand [cols, rows]. */
    const matrix = (name: string, rows: number, cols: number, transposed: boolean): CsrMatrix => {
      const stride = transposed ? rows : cols;
      const entry = (linear: number, value: number): [number, number, number] => {
        const [i, j] = [Math.floor(linear / stride), linear % stride];
        return transposed ? [j, i, value] : [i, j, value];
      };
      const s = sparse.get(name);
      if (s) return csrFromEntries(rows, cols, s.values.length, (k) => entry(s.indices[k] as number, s.values[k] as number));
      const d = dense.get(name) ?? fail(`multiplies by '${name}', which is not a constant`);
      return csrFromEntries(rows, cols, d.data.length, (k) => entry(k, d.data[k] as number));
    };

    // --- value slots: graph inputs first, then every node output (leading singleton axes ignored)
    const slotOf = new Map<string, number>();
    const width: number[] = [];
    const define = (name: string, features: number): number => {
      slotOf.set(name, width.length);
      width.push(features);
      return width.length - 1;
    };
    const use = (name: string): number => slotOf.get(name) ?? fail(`reads '${name}' before it is computed`);
    const [inputsName, hInName] = g.input.map((i) => i.name);
    const [qName, hOutName] = g.output.map((o) => o.name);
    if (!inputsName || !hInName || !qName || !hOutName) fail('does not have the agent inputs (inputs, h_in) and outputs (q_values, h_out)');
    define(inputsName as string, dims.inputSize);
    define(hInName as string, dims.hidden);

    let stored = 0;
    const ops: Op[] = [];
    for (const node of g.node) {
      const [a = '', b = ''] = node.input;
      const out = node.output[0] ?? '';
      switch (node.opType) {
        case 'Constant':
          break; // its value is among the constants above
        case 'MatMul': {
          if (!dense.has(b) && !sparse.has(b)) fail(`has a MatMul ('${out}') whose right operand is not a constant`);
          const [k, n] = constDims(b) as [number, number];
          if (width[use(a)] !== k) fail(`has a MatMul ('${out}') of ${width[use(a)]} features by [${k}, ${n}]`);
          const w = matrix(b, n, k, true);
          stored += nnz(w);
          const [x, y] = [use(a), define(out, n)];
          ops.push((buf, batch) => csrMultiplyFm(w, buf(x), batch, buf(y)));
          break;
        }
        case 'Add': {
          const [act, other] = dense.has(a) ? [b, a] : [a, b]; // a constant may sit on either side
          const x = use(act);
          const f = width[x] as number;
          if (dense.has(other)) {
            const bias = vector(other);
            if (bias.length !== f) fail(`adds '${other}' of ${bias.length} values to ${f} features`);
            const y = define(out, f);
            ops.push((buf, batch) => {
              const [src, dst] = [buf(x), buf(y)];
              for (let i = 0; i < f; i++) for (let c = i * batch, end = c + batch, v = bias[i] as number; c < end; c++) dst[c] = (src[c] as number) + v;
            });
          } else {
            const z = use(other);
            if (width[z] !== f) fail(`adds values of ${width[z]} and ${f} features`);
            const y = define(out, f);
            ops.push((buf, batch) => {
              const [p, q, dst] = [buf(x), buf(z), buf(y)];
              for (let c = 0; c < f * batch; c++) dst[c] = (p[c] as number) + (q[c] as number);
            });
          }
          break;
        }
        case 'Relu': {
          const [x, y] = [use(a), define(out, width[use(a)] as number)];
          ops.push((buf) => {
            const [src, dst] = [buf(x), buf(y)];
            for (let c = 0; c < src.length; c++) dst[c] = (src[c] as number) > 0 ? (src[c] as number) : 0;
          });
          break;
        }
        case 'Unsqueeze':
        case 'Squeeze':
          slotOf.set(out, use(a)); // only leading singleton axes move; the [features, batch] data is the same
          break;
        case 'GRU':
          ops.push(SparseAgentEngine.compileGru(node, { constDims, matrix, vector, use, define, width, fail, count: (n) => (stored += n) }));
          break;
        default:
          fail(`uses ${node.opType} ('${out}'), which it does not run; it runs ${SPARSE_ENGINE_OPS.join(', ')}`);
      }
    }
    const slots = { inputs: 0, hIn: 1, qValues: use(qName as string), hOut: use(hOutName as string) };
    if (width[slots.qValues] !== dims.nActions || width[slots.hOut] !== dims.hidden) fail('produces outputs of the wrong sizes');
    return new SparseAgentEngine(dims, ops, width, slots, stored);
  }

  private static compileGru(
    node: NodeProto,
    c: {
      constDims: (name: string) => number[];
      matrix: (name: string, rows: number, cols: number, transposed: boolean) => CsrMatrix;
      vector: (name: string) => Float32Array;
      use: (name: string) => number;
      define: (name: string, features: number) => number;
      width: number[];
      fail: (message: string) => never;
      count: (stored: number) => void;
    },
  ): Op {
    const [xName = '', wName = '', rName = '', bName = '', seqLens = '', h0Name = ''] = node.input;
    const h = Number(attribute(node, 'hidden_size')?.i ?? 0);
    const before = Number(attribute(node, 'linear_before_reset')?.i ?? 0) !== 0;
    const direction = attribute(node, 'direction');
    if (direction?.s && new TextDecoder().decode(direction.s) !== 'forward') c.fail('has a GRU that is not forward');
    if (attribute(node, 'activations') || attribute(node, 'clip')) c.fail('has a GRU with non-default activations or clipping');
    if (seqLens) c.fail('has a GRU with sequence lengths');
    if (!h0Name) c.fail('has a GRU without an initial hidden state input');
    const [, gates, nIn] = c.constDims(wName) as [number, number, number];
    if (gates !== 3 * h) c.fail(`has a GRU whose W is [1, ${gates}, ${nIn}] for hidden_size ${h}`);
    const W = c.matrix(wName, 3 * h, nIn, false);
    const R = c.matrix(rName, 3 * h, h, false);
    c.count(nnz(W) + nnz(R));
    const bias = bName ? c.vector(bName) : new Float32Array(6 * h);
    const [x, h0] = [c.use(xName), c.use(h0Name)];
    const [yName = '', yhName = ''] = node.output;
    if (yName) c.fail('has a GRU whose full output sequence Y is used; the engine steps one row at a time');
    if (c.width[x] !== nIn) c.fail(`has a GRU reading ${c.width[x]} features with W over ${nIn}`);
    const gx = c.define(`${yhName}#gx`, 3 * h);
    const gh = c.define(`${yhName}#gh`, 3 * h);
    const reset = c.define(`${yhName}#reset`, h);
    const ghReset = c.define(`${yhName}#ghReset`, before ? 0 : 3 * h);
    const yh = c.define(yhName, h);
    return (buf, batch) => {
      const [X, H, GX, GH, RS, GR, Y] = [buf(x), buf(h0), buf(gx), buf(gh), buf(reset), buf(ghReset), buf(yh)];
      csrMultiplyFm(W, X, batch, GX);
      csrMultiplyFm(R, H, batch, GH);
      // the reset gate first (the candidate needs it), feature-major: row j of each gate block
      for (let j = 0; j < h; j++) {
        const rGateBias = (bias[h + j] as number) + (bias[4 * h + j] as number);
        for (let b = 0; b < batch; b++) {
          const i = (h + j) * batch + b;
          RS[j * batch + b] = sigmoid((GX[i] as number) + (GH[i] as number) + rGateBias);
        }
      }
      if (!before) {
        const rh = new Float32Array(h * batch);
        for (let k = 0; k < h * batch; k++) rh[k] = (RS[k] as number) * (H[k] as number); // r ⊙ h
        csrMultiplyFm(R, rh, batch, GR); // (r ⊙ h)·Rᵀ; only its candidate block is read below
      }
      for (let j = 0; j < h; j++) {
        const zBias = (bias[j] as number) + (bias[3 * h + j] as number);
        const nBias = bias[2 * h + j] as number;
        const rBias = bias[5 * h + j] as number;
        for (let b = 0; b < batch; b++) {
          const k = j * batch + b; // z block and hidden index
          const ih = k + 2 * h * batch; // candidate block
          const z = sigmoid((GX[k] as number) + (GH[k] as number) + zBias);
          const recurrent = before ? (RS[k] as number) * ((GH[ih] as number) + rBias) : (GR[ih] as number) + rBias;
          const n = fastTanh((GX[ih] as number) + nBias + recurrent);
          Y[k] = (1 - z) * n + z * (H[k] as number);
        }
      }
    };
  }

  private buffersFor(batch: number): Float32Array[] {
    let b = this.buffers.get(batch);
    if (!b) {
      b = this.width.map((w) => new Float32Array(w * batch));
      this.buffers.set(batch, b);
    }
    return b;
  }

  /** {@link run} without the promise, for tight loops. Returned arrays are fresh (row-major). */
  runSync(inputs: Float32Array, hidden: Float32Array, batch: number): { qValues: Float32Array; hidden: Float32Array } {
    const { inputSize, hidden: h, nActions } = this.dims;
    if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`SparseAgentEngine.run: batch must be a positive integer, got ${batch}`);
    if (inputs.length !== batch * inputSize) throw new ShapeError(`SparseAgentEngine.run: inputs has ${inputs.length} values, expected ${batch}×${inputSize}`);
    if (hidden.length !== batch * h) throw new ShapeError(`SparseAgentEngine.run: hidden has ${hidden.length} values, expected ${batch}×${h}`);
    const bufs = this.buffersFor(batch);
    const buf = (slot: number): Float32Array => bufs[slot] as Float32Array;
    transposeInto(inputs, batch, inputSize, buf(this.slots.inputs));
    transposeInto(hidden, batch, h, buf(this.slots.hIn));
    for (const op of this.ops) op(buf, batch);
    const qValues = new Float32Array(batch * nActions);
    const hOut = new Float32Array(batch * h);
    transposeInto(buf(this.slots.qValues), nActions, batch, qValues);
    transposeInto(buf(this.slots.hOut), h, batch, hOut);
    return { qValues, hidden: hOut };
  }

  /** One step for `batch` rows (same contract as the ONNX Runtime session). */
  async run(inputs: Float32Array, hidden: Float32Array, batch: number): Promise<{ qValues: Float32Array; hidden: Float32Array }> {
    return this.runSync(inputs, hidden, batch);
  }

  /** Nothing native to release; present for symmetry with the ONNX Runtime session. */
  async close(): Promise<void> {}
}

/** `[rows, cols]` row-major into `[cols, rows]` row-major. */
function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c] as number;
}
