/**
 * The sparse engine: runs an exported agent graph's ops directly from the `.onnx` model, with every
 * weight matrix in compressed sparse rows, so a decision costs work proportional to the nonzeros.
 * ONNX Runtime densifies sparse initializers on load and computes densely; this engine is what turns
 * a sparse agent's FLOP reduction into less work at run time.
 *
 * It interprets the node list (MatMul with a constant right operand, Add, Relu, Unsqueeze, Squeeze and
 * a forward GRU with default activations, either `linear_before_reset`), so it runs any row-wise graph
 * built from those ops, not one hard-wired layout; anything else is refused when the model is loaded
 * (the exact rules: `sparse-engine-rules.ts`).
 * Every activation is a `[batch, features]` matrix (leading singleton axes, as around the GRU, are
 * bookkeeping only) and is held feature-major, `[features, lanes]` with the batch padded to a multiple
 * of four lanes, in the memory of the WebAssembly kernels (`src/kernels/sparse-kernels.wat`), which multiply
 * each stored weight into four to sixteen batch rows per SIMD instruction. A nearly dense matrix
 * (at least {@link DENSE_KERNEL_FROM} of its positions stored) runs on the `dense` kernel instead,
 * which keeps output rows across the SIMD lanes and reads no indices, so a dense layer is never paid
 * for at sparse prices. A team's decision (1 to 8 rows, 4 or 8 lanes) has kernels of its own: the
 * CSR product over column byte offsets (`spmm4`, `spmm8`), the dense product for a last group of
 * five rows in one pass (`dense5`), and the GRU step in one pass with a 4m + 1 batch's lone last row
 * gathered four units at a time (`gruStep`); each gives the bits of the general kernels. Inputs are
 * checked for NaN/±Inf in kernel memory (`allFinite`). Weights are placed in that memory once;
 * activation buffers once, grown (to at least twice the size) when a batch outgrows them.
 *
 * GRU (ONNX operator definition), per step, gates z, r, h stacked in W [1, 3H, In], R [1, 3H, H],
 * B [1, 6H] = [Wb | Rb]:
 *   z = σ(x·Wzᵀ + h·Rzᵀ + Wbz + Rbz),  r = σ(x·Wrᵀ + h·Rrᵀ + Wbr + Rbr)
 *   n = tanh(x·Whᵀ + r ⊙ (h·Rhᵀ + Rbh) + Wbh)      (linear_before_reset = 1)
 *   n = tanh(x·Whᵀ + (r ⊙ h)·Rhᵀ + Rbh + Wbh)      (linear_before_reset = 0)
 *   h' = (1 − z) ⊙ n + z ⊙ h
 */
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { checkFiniteConstants } from '../onnx/constants.js';
import { AGENT_INPUT_NAMES, AGENT_OUTPUT_NAMES } from '../onnx/agent-contract.js';
import { ShapeError, ToolkitError } from '../util/errors.js';
import { csrFromEntries, density, nnz, packDense, type CsrMatrix } from '../kernels/csr.js';
import { KernelArena, type SparseKernels } from '../kernels/kernels.js';
import type { AgentDims, AgentEngine } from './engine-types.js';
import { attribute, axesOf, checkSupported, SPARSE_ENGINE_OPS } from './sparse-engine-rules.js';
import { checkFinite, closedError } from './guards.js';
import { loadConstants, type EngineConstant } from './sparse-engine-constants.js';

export { SPARSE_ENGINE_OPS };

/**
 * The density from which a weight matrix runs on the dense kernel rather than the CSR one. Measured
 * on 2026-12-07 (AMD EPYC Zen 4, 5 rows in 8 lanes, 768×256, 192×64 and 64×72 matrices): the CSR
 * product costs about as much as the dense one at densities 0.35–0.5, less below.
 */
export const DENSE_KERNEL_FROM = 0.4;

/** One compiled op; `at[slot]` is the byte offset of that slot's `[features, lanes]` buffer, `batch` the rows in use. */
type Op = (at: Int32Array, lanes: number, batch: number) => void;

/** A matrix placed in kernel memory: y ← W·x for byte offsets of `[features, lanes]` buffers. */
interface PlacedMatrix {
  rows: number;
  /** Whether it runs on the dense kernel (see {@link DENSE_KERNEL_FROM}). */
  dense: boolean;
  product: (x: number, y: number, batch: number, lanes: number) => void;
}

/** What compiling one node needs from the graph compiler. */
interface CompileContext {
  k: SparseKernels;
  constDims: (name: string) => number[];
  matrix: (name: string, rows: number, cols: number, transposed: boolean) => CsrMatrix;
  place: (m: CsrMatrix) => PlacedMatrix;
  vector: (name: string) => Float32Array;
  use: (name: string) => number;
  define: (name: string, features: number, lead: number) => number;
  width: number[];
  /** Leading singleton axes of a named value: it is `[1 × lead, batch, features]`. */
  lead: (name: string) => number;
  fail: (message: string) => never;
}

/** One exported agent network, compiled for the sparse engine. */
export class SparseAgentEngine implements AgentEngine {
  /** Activation buffers for up to `capacity` lanes (any smaller lane count uses them too), placed on first use. */
  private placed: { capacity: number; at: Int32Array; staging: number; start: number; end: number } | null = null;
  private closed = false;

  private constructor(
    readonly dims: AgentDims,
    private readonly arena: KernelArena,
    private readonly ops: Op[],
    /** Features of each value slot. */
    private readonly width: number[],
    private readonly slots: { inputs: number; hIn: number; qValues: number; hOut: number },
    /** Weights stored in the compiled matrices (what a row's work is proportional to). */
    readonly storedWeights: number,
    /** How many weight matrices run on the dense kernel and how many on the CSR one. */
    readonly matrixKernels: { dense: number; csr: number },
    private readonly what: string,
  ) {}

  /**
   * Compile `model` (already validated) for the sparse engine. It refuses whatever it does not run
   * exactly as ONNX Runtime would (see sparse-engine-rules.ts), and non-finite weights.
   * @throws ToolkitError (E_ONNX_LOAD) naming the first op or operand it cannot run.
   */
  static fromModel(model: ModelProto, dims: AgentDims, what = 'model'): SparseAgentEngine {
    const g = model.graph;
    const fail = (message: string): never => {
      throw new ToolkitError('E_ONNX_LOAD', `sparse engine: ${what} ${message}`, {
        hint: 'run it with ONNX Runtime instead (--engine ort), or export it again with `mast export`',
      });
    };
    const opset = Number(
      model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0,
    );
    // --- constants: dense FLOAT initializers as arrays, sparse ones as (linear index, value) lists
    checkFiniteConstants(model, what);
    const consts = loadConstants(model);
    const constant = (name: string): EngineConstant => consts.get(name) ?? fail(`has no constant '${name}'`);
    const constDims = (name: string): number[] => constant(name).dims;
    const vector = (name: string): Float32Array => {
      const c = constant(name);
      if (c.dataType !== DataType.FLOAT) fail(`needs '${name}' as FLOAT values, but it is of data type ${c.dataType}`);
      return c.data ?? fail(`needs '${name}' as a dense constant`);
    };
    const arena = new KernelArena();
    const k = arena.kernels;

    /** A constant matrix as `rows` output units over `cols` inputs; `transposed` for MatMul's right operand [cols, rows]. */
    const matrix = (name: string, rows: number, cols: number, transposed: boolean): CsrMatrix => {
      const c = consts.get(name) ?? fail(`multiplies by '${name}', which is not a constant`);
      if (c.dataType !== DataType.FLOAT)
        fail(`multiplies by '${name}' of data type ${c.dataType}; weights must be FLOAT`);
      const stride = transposed ? rows : cols;
      const entry = (linear: number, value: number): [number, number, number] => {
        const [i, j] = [Math.floor(linear / stride), linear % stride];
        return transposed ? [j, i, value] : [i, j, value];
      };
      const s = c.sparse;
      if (s)
        return csrFromEntries(rows, cols, s.values.length, (k) => entry(s.indices[k] as number, s.values[k] as number));
      const d = c.data as Float32Array;
      return csrFromEntries(rows, cols, d.length, (k) => entry(k, d[k] as number));
    };
    let stored = 0;
    const matrixKernels = { dense: 0, csr: 0 };
    const place = (m: CsrMatrix): PlacedMatrix => {
      stored += nnz(m);
      matrixKernels[density(m) >= DENSE_KERNEL_FROM ? 'dense' : 'csr']++;
      const { rows, cols } = m;
      if (density(m) >= DENSE_KERNEL_FROM) {
        const w = arena.put(packDense(m));
        // a batch of 4m + 1 rows: the first 4m-row groups, then the last five in one pass over the weights
        const product = (x: number, y: number, batch: number, lanes: number): void => {
          if (batch % 4 !== 1 || batch < 5) return k.dense(w, rows, cols, x, y, batch, lanes);
          if (batch > 5) k.dense(w, rows, cols, x, y, batch - 5, lanes);
          k.dense5(w, rows, cols, x, y, batch - 5, lanes);
        };
        return { rows, dense: true, product };
      }
      const [rowStart, col, val] = [arena.put(m.rowStart), arena.put(m.col), arena.put(m.value)];
      // 4 and 8 lanes (batches of 1-8 rows, a team's decision) read each entry's column as the byte
      // offset of x's row at that lane count, so the kernel's loop has no multiply by the stride
      const [off4, off8] = [arena.put(m.col.map((c) => c * 16)), arena.put(m.col.map((c) => c * 32))];
      const product = (x: number, y: number, _batch: number, lanes: number): void => {
        if (lanes === 8) k.spmm8(rowStart, off8, val, rows, x, y);
        else if (lanes === 4) k.spmm4(rowStart, off4, val, rows, x, y);
        else k.spmm(rowStart, col, val, rows, x, y, lanes);
      };
      return { rows, dense: false, product };
    };

    // --- value slots: graph inputs first, then every node output; each is [1 × lead, batch, features]
    const slotOf = new Map<string, number>();
    const width: number[] = [];
    const leadOf = new Map<string, number>();
    const define = (name: string, features: number, leading: number): number => {
      slotOf.set(name, width.length);
      leadOf.set(name, leading);
      width.push(features);
      return width.length - 1;
    };
    const use = (name: string): number =>
      slotOf.get(name) ??
      fail(`reads '${name}' before it is computed (or as an operand it does not take from a constant)`);
    const lead = (name: string): number => leadOf.get(name) ?? 0;
    const [inputsName, hInName] = g.input.map((i) => i.name).filter((n) => !consts.has(n));
    const [qName, hOutName] = g.output.map((o) => o.name);
    if (!inputsName || !hInName || !qName || !hOutName)
      fail(
        `does not have the agent inputs (${AGENT_INPUT_NAMES.join(', ')}) and outputs (${AGENT_OUTPUT_NAMES.join(', ')})`,
      );
    define(inputsName as string, dims.inputSize, 0);
    define(hInName as string, dims.hidden, 0);

    const ops: Op[] = [];
    for (const node of g.node) {
      checkSupported(node, opset, fail);
      const [a = '', b = ''] = node.input;
      const out = node.output[0] ?? '';
      switch (node.opType) {
        case 'Constant':
          break; // its value is among the constants above
        case 'MatMul': {
          if (!consts.has(b)) fail(`has a MatMul ('${out}') whose right operand is not a constant`);
          const wDims = constDims(b);
          if (wDims.length !== 2)
            fail(`has a MatMul ('${out}') by '${b}' of shape [${wDims}]; it multiplies by matrices only`);
          const [inner, n] = wDims as [number, number];
          const x = use(a);
          if (width[x] !== inner) fail(`has a MatMul ('${out}') of ${width[x]} features by [${inner}, ${n}]`);
          const w = place(matrix(b, n, inner, true));
          const y = define(out, n, lead(a));
          ops.push((at, lanes, batch) => w.product(at[x] as number, at[y] as number, batch, lanes));
          break;
        }
        case 'Add': {
          const [act, other] = consts.has(a) ? [b, a] : [a, b]; // a constant may sit on either side
          const x = use(act);
          const f = width[x] as number;
          if (consts.has(other)) {
            const bias = vector(other);
            const bDims = constDims(other);
            // the bias must broadcast along the batch: [.., 1, f] (or [f]), never across rows
            if (bDims.length === 0 || bDims[bDims.length - 1] !== f || bDims.slice(0, -1).some((d) => d !== 1))
              fail(`adds '${other}' of shape [${bDims}] to ${f} features; it adds biases of shape [${f}] or [1, ${f}]`);
            const [biasAt, y] = [arena.put(bias), define(out, f, Math.max(lead(act), bDims.length - 2))];
            ops.push((at, lanes) => k.addBias(at[x] as number, biasAt, at[y] as number, f, lanes));
          } else {
            const z = use(other);
            if (width[z] !== f) fail(`adds values of ${width[z]} and ${f} features`);
            const y = define(out, f, Math.max(lead(act), lead(other)));
            ops.push((at, lanes) => k.add(at[x] as number, at[z] as number, at[y] as number, f * lanes));
          }
          break;
        }
        case 'Relu': {
          const x = use(a);
          const f = width[x] as number;
          const y = define(out, f, lead(a));
          ops.push((at, lanes) => k.relu(at[x] as number, at[y] as number, f * lanes));
          break;
        }
        case 'Unsqueeze':
        case 'Squeeze': {
          // only a leading singleton axis moves: the [features, lanes] data stays where it is
          const x = use(a);
          const axesInput = node.input[1]
            ? (constant(node.input[1]).ints ?? fail(`has a ${node.opType} ('${out}') whose axes are not INT64`))
            : undefined;
          const axes = axesOf(node, axesInput);
          const rank = lead(a) + 2;
          const axis = axes.length === 1 ? (axes[0] as number) : NaN;
          const normalized = axis < 0 ? axis + (node.opType === 'Unsqueeze' ? rank + 1 : rank) : axis;
          if (normalized !== 0) fail(`has a ${node.opType} ('${out}') over axes [${axes}]; it moves only axis 0`);
          if (node.opType === 'Squeeze' && lead(a) === 0)
            fail(`has a Squeeze ('${out}') of axis 0 of a [batch, features] value, which is not a singleton`);
          slotOf.set(out, x);
          leadOf.set(out, lead(a) + (node.opType === 'Unsqueeze' ? 1 : -1));
          break;
        }
        case 'GRU':
          ops.push(
            SparseAgentEngine.compileGru(
              node,
              { k, constDims, matrix, place, vector, use, define, width, lead, fail },
              arena,
            ),
          );
          break;
        default:
          fail(`uses ${node.opType} ('${out}'), which it does not run; it runs ${SPARSE_ENGINE_OPS.join(', ')}`);
      }
    }
    const slots = { inputs: 0, hIn: 1, qValues: use(qName as string), hOut: use(hOutName as string) };
    if (width[slots.qValues] !== dims.nActions || width[slots.hOut] !== dims.hidden)
      fail('produces outputs of the wrong sizes');
    if (lead(qName as string) !== 0 || lead(hOutName as string) !== 0)
      fail('produces outputs that are not [batch, features]');
    return new SparseAgentEngine(dims, arena, ops, width, slots, stored, matrixKernels, what);
  }

  private static compileGru(node: NodeProto, c: CompileContext, arena: KernelArena): Op {
    const [xName = '', wName = '', rName = '', bName = '', seqLens = '', h0Name = ''] = node.input;
    const h = Number(attribute(node, 'hidden_size')?.i ?? 0);
    const before = Number(attribute(node, 'linear_before_reset')?.i ?? 0) !== 0;
    if (seqLens) c.fail('has a GRU with sequence lengths');
    if (!h0Name) c.fail('has a GRU without an initial hidden state input');
    if (!wName || !rName) c.fail('has a GRU without its W and R weights');
    const wDims = c.constDims(wName);
    if (!(Number.isInteger(h) && h > 0)) c.fail(`has a GRU with hidden_size ${h}`);
    if (wDims.length !== 3 || wDims[0] !== 1 || wDims[1] !== 3 * h)
      c.fail(`has a GRU whose W is [${wDims}]; for hidden_size ${h} it must be [1, ${3 * h}, In]`);
    const nIn = wDims[2] as number;
    const rDims = c.constDims(rName);
    if (rDims.join() !== [1, 3 * h, h].join())
      c.fail(`has a GRU whose R is [${rDims}]; for hidden_size ${h} it must be [1, ${3 * h}, ${h}]`);
    if (bName && c.constDims(bName).join() !== [1, 6 * h].join())
      c.fail(`has a GRU whose B is [${c.constDims(bName)}]; for hidden_size ${h} it must be [1, ${6 * h}]`);
    if (c.lead(xName) !== 1 || c.lead(h0Name) !== 1)
      c.fail('has a GRU whose X or initial_h is not [1, batch, features] (one time step, one direction)');
    if (c.width[c.use(h0Name)] !== h)
      c.fail(`has a GRU whose initial_h has ${c.width[c.use(h0Name)]} features for hidden_size ${h}`);
    const W = c.place(c.matrix(wName, 3 * h, nIn, false));
    const R = c.matrix(rName, 3 * h, h, false);
    // Without linear_before_reset the candidate's recurrent product reads r ⊙ h, so R splits into its
    // z, r rows (read from h) and its candidate rows (read from r ⊙ h).
    const Rh = c.place(before ? R : rowBlock(R, 0, 2 * h));
    const Rn = before ? undefined : c.place(rowBlock(R, 2 * h, 3 * h));
    // biases packed per hidden unit j: [Wbz + Rbz, Wbr + Rbr, Wbn, Rbn]
    const b = bName ? c.vector(bName) : new Float32Array(6 * h);
    const packed = new Float32Array(4 * h);
    for (let j = 0; j < h; j++) {
      packed[4 * j] = (b[j] as number) + (b[3 * h + j] as number);
      packed[4 * j + 1] = (b[h + j] as number) + (b[4 * h + j] as number);
      packed[4 * j + 2] = b[2 * h + j] as number;
      packed[4 * j + 3] = b[5 * h + j] as number;
    }
    const gatesAt = arena.put(packed);
    const [x, h0] = [c.use(xName), c.use(h0Name)];
    const [yName = '', yhName = ''] = node.output;
    if (yName) c.fail('has a GRU whose full output sequence Y is used; the engine steps one row at a time');
    if (!yhName) c.fail('has a GRU without its Y_h output');
    if (c.width[x] !== nIn) c.fail(`has a GRU reading ${c.width[x]} features with W over ${nIn}`);
    const gx = c.define(`${yhName}#gx`, 3 * h, 0);
    const gh = c.define(`${yhName}#gh`, 3 * h, 0);
    const rh = c.define(`${yhName}#rh`, before ? 0 : h, 0);
    const gr = c.define(`${yhName}#gr`, before ? 0 : h, 0);
    const yh = c.define(yhName, h, 1); // Y_h [1, batch, H]
    const k = c.k;
    return (at, lanes, batch) => {
      const X = at[x] as number;
      const H = at[h0] as number;
      const GX = at[gx] as number;
      const GH = at[gh] as number;
      const Y = at[yh] as number;
      W.product(X, GX, batch, lanes); // [3H, lanes]
      Rh.product(H, GH, batch, lanes); // [3H or 2H, lanes]
      if (!Rn) {
        k.gruStep(GX, GH, gatesAt, H, Y, h, batch, lanes); // gates and candidate in one pass  [H, lanes]
        return;
      }
      k.gruGates(GX, GH, gatesAt, h, lanes); // z, r blocks of GX ← σ(…)
      k.mul(GX + 4 * h * lanes, H, at[rh] as number, h * lanes); // r ⊙ h  [H, lanes]
      Rn.product(at[rh] as number, at[gr] as number, batch, lanes); // (r ⊙ h)·R_nᵀ  [H, lanes]
      k.gruCandidate(GX, GH, at[gr] as number, gatesAt, H, Y, h, lanes, 0, 0); // [H, lanes]
    };
  }

  /**
   * Byte offsets of every slot's buffer, and of a row-major staging area, for `lanes` padded rows.
   * A `[features, lanes]` buffer placed for more lanes holds fewer too, so one block serves every
   * batch up to its capacity; a larger batch replaces it with one of at least twice the capacity
   * (the old block is given back), so a server whose batch size changes every call keeps one block,
   * at most twice its largest batch, instead of one block per batch size.
   */
  private offsetsFor(lanes: number): { at: Int32Array; staging: number } {
    if (!this.placed || this.placed.capacity < lanes) {
      const capacity = Math.max(lanes, 2 * (this.placed?.capacity ?? 0));
      const { inputSize, hidden, nActions } = this.dims;
      this.placed = this.arena.regrow(this.placed, () => ({
        capacity,
        at: Int32Array.from(this.width, (w) => this.arena.alloc(4 * w * capacity)),
        staging: this.arena.alloc(4 * capacity * Math.max(inputSize, hidden, nActions)),
      }));
    }
    return this.placed;
  }

  /** Bytes of kernel memory in use: the weights and the activation buffers. */
  get kernelBytes(): number {
    return this.arena.mark;
  }

  /** {@link run} into caller-owned arrays (see {@link AgentEngine.runInto}); synchronous, allocation-free. */
  runInto(inputs: Float32Array, hidden: Float32Array, batch: number, qOut: Float32Array, hOut: Float32Array): void {
    const { inputSize, hidden: h, nActions } = this.dims;
    this.checkShapes(inputs, hidden, batch);
    if (qOut.length !== batch * nActions || hOut.length !== batch * h)
      throw new ShapeError(
        `SparseAgentEngine.runInto: outputs must hold ${batch}×${nActions} Q-values and ${batch}×${h} hidden values`,
      );
    const lanes = Math.ceil(batch / 4) * 4;
    const { at, staging } = this.offsetsFor(lanes);
    const a = this.arena;
    const s = this.slots;
    const [inAt, hInAt, qAt, hOutAt] = [at[s.inputs], at[s.hIn], at[s.qValues], at[s.hOut]] as number[] as [
      number,
      number,
      number,
      number,
    ];
    // finiteness is checked in kernel memory, on the row-major copy in staging; only a failed check
    // goes through the values again in JS, to name the position
    a.putFeatureMajor(inputs, batch, inputSize, lanes, staging, inAt);
    if (!a.kernels.allFinite(staging, batch * inputSize))
      checkFinite(inputs, inputSize, 'SparseAgentEngine.run: inputs');
    a.putFeatureMajor(hidden, batch, h, lanes, staging, hInAt);
    if (!a.kernels.allFinite(staging, batch * h)) checkFinite(hidden, h, 'SparseAgentEngine.run: hidden');
    for (const op of this.ops) op(at, lanes, batch);
    qOut.set(a.rowMajorView(qAt, batch, nActions, lanes, staging));
    hOut.set(a.rowMajorView(hOutAt, batch, h, lanes, staging));
  }

  /** Refuse a closed engine and inputs of the wrong sizes (finiteness is checked by {@link runInto}). */
  private checkShapes(inputs: Float32Array, hidden: Float32Array, batch: number): void {
    if (this.closed) throw closedError(`the sparse engine of ${this.what}`);
    const { inputSize, hidden: h } = this.dims;
    if (!Number.isInteger(batch) || batch < 1)
      throw new ShapeError(`SparseAgentEngine.run: batch must be a positive integer, got ${batch}`);
    if (inputs.length !== batch * inputSize)
      throw new ShapeError(`SparseAgentEngine.run: inputs has ${inputs.length} values, expected ${batch}×${inputSize}`);
    if (hidden.length !== batch * h)
      throw new ShapeError(`SparseAgentEngine.run: hidden has ${hidden.length} values, expected ${batch}×${h}`);
  }

  /** {@link run} without the promise, for tight loops. Returned arrays are fresh (row-major). */
  runSync(inputs: Float32Array, hidden: Float32Array, batch: number): { qValues: Float32Array; hidden: Float32Array } {
    this.checkShapes(inputs, hidden, batch);
    const out = {
      qValues: new Float32Array(batch * this.dims.nActions),
      hidden: new Float32Array(batch * this.dims.hidden),
    };
    this.runInto(inputs, hidden, batch, out.qValues, out.hidden);
    return out;
  }

  /** One step for `batch` rows (same contract as the ONNX Runtime session). */
  async run(
    inputs: Float32Array,
    hidden: Float32Array,
    batch: number,
  ): Promise<{ qValues: Float32Array; hidden: Float32Array }> {
    return this.runSync(inputs, hidden, batch);
  }

  /** Nothing native to release (the kernel memory is garbage-collected); afterwards every call throws `E_CLOSED`, as on ONNX Runtime. */
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Rows [from, to) of `m` as a matrix of their own. */
function rowBlock(m: CsrMatrix, from: number, to: number): CsrMatrix {
  const [start, end] = [m.rowStart[from] as number, m.rowStart[to] as number];
  return {
    rows: to - from,
    cols: m.cols,
    rowStart: m.rowStart.slice(from, to + 1).map((v) => v - start),
    col: m.col.slice(start, end),
    value: m.value.slice(start, end),
  };
}
