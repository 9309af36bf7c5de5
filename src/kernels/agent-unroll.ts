/**
 * The recurrent agent network (Linear → ReLU → GRUCell → Linear, PyTorch's cell: reset after the
 * recurrent product) unrolled over a whole batch of sequences in the WebAssembly kernels, forward and
 * backward through time, with every weight matrix in compressed sparse rows: the work of an update is
 * proportional to the stored weights, so a 90%-sparse agent trains in about a tenth of the
 * multiply-adds. Plain typed arrays in and out; `src/marl/nets/fused-agent.ts` wires it into tfjs.
 *
 * Layout: activations feature-major `[features, lanes]`, lanes = rows (agents × episodes) padded to
 * a multiple of 4; weights as the learner stores them, `[in, out]` row-major (y = x·W), turned into
 * CSR with one row per output unit. Every forward activation the backward pass needs is kept per
 * step: x, a1 = relu(x·W1 + b1), z and r (in gx's first two blocks), gh = h·Whh (its candidate block),
 * n, and h. A forward from a later step (the target network's), which no backward follows, keeps
 * none of them: its steps share one set of buffers, so they stay in cache.
 */
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { allocArenaCsr, denseGradient, refreshArenaCsr, writeArenaCsr, type ArenaCsr } from './weights.js';

/** Sizes of the agent network. */
export interface AgentUnrollDims {
  inputSize: number;
  hidden: number;
  nActions: number;
}

/** The agent's parameters, named as the learner's parameter store names them. */
export interface AgentWeights {
  'fc1.weight': Float32Array; // [In, H]
  'fc1.bias': Float32Array; // [H]
  'gru.weightIh': Float32Array; // [H, 3H]
  'gru.weightHh': Float32Array; // [H, 3H]
  'gru.biasIh': Float32Array; // [3H]
  'gru.biasHh': Float32Array; // [3H]
  'fc2.weight': Float32Array; // [H, A]
  'fc2.bias': Float32Array; // [A]
}

/** Which weight matrices carry masks (absent: every position is stored). */
export type AgentMasks = Partial<
  Record<'fc1.weight' | 'gru.weightIh' | 'gru.weightHh' | 'fc2.weight', Uint8Array | null>
>;

const MATRICES = ['fc1.weight', 'gru.weightIh', 'gru.weightHh', 'fc2.weight'] as const;
type MatrixName = (typeof MATRICES)[number];

/** Per-step activation buffers for one (steps, lanes) shape. */
interface Activations {
  steps: number;
  lanes: number;
  x: number[];
  a1: number[];
  gx: number[];
  gh: number[];
  n: number[];
  h: number[]; // h[t + 1] is the state after step t; h[0] is zeros
  q: number; // [A, lanes]
  dq: number; // [A, lanes]
  carry: number; // [H, lanes]
  dgx: number; // [3H, lanes]
  dgh: number; // [3H, lanes]
  da1: number; // [H, lanes]
  staging: number; // row-major scratch
}

/** Buffers with the arena's marks around them (see {@link KernelArena.regrow}). */
type Marked<T> = T & { start: number; end: number };

/** A reusable unroll engine for one agent architecture. */
export class AgentUnroll {
  private readonly arena = new KernelArena();
  private readonly csr: Record<MatrixName, ArenaCsr>;
  private readonly bias: {
    b1: number;
    gates: number;
    b2: number;
    gb1: number;
    gbIh: number;
    gbHh: number;
    gb2: number;
  };
  private acts: Marked<Activations> | null = null;
  private rolling: Marked<Activations> | null = null; // forwards that keep nothing for a backward
  private stepBuffers: Activations | null = null;
  private rows = 0; // of the last forward
  private steps = 0; // of the last forward
  private packedFrom = -1; // the last forwardPacked's first step (-1: the last forward was not packed)
  private kept = false; // whether the last forward kept its activations (in `acts`) for a backward

  constructor(readonly dims: AgentUnrollDims) {
    const { inputSize, hidden: h, nActions } = dims;
    const a = this.arena;
    const shape: Record<MatrixName, [number, number]> = {
      'fc1.weight': [inputSize, h],
      'gru.weightIh': [h, 3 * h],
      'gru.weightHh': [h, 3 * h],
      'fc2.weight': [h, nActions],
    };
    this.csr = Object.fromEntries(MATRICES.map((m) => [m, allocArenaCsr(a, ...shape[m])])) as Record<
      MatrixName,
      ArenaCsr
    >;
    this.bias = {
      b1: a.alloc(4 * h),
      gates: a.alloc(16 * h),
      b2: a.alloc(4 * nActions),
      gb1: a.alloc(4 * h),
      gbIh: a.alloc(12 * h),
      gbHh: a.alloc(12 * h),
      gb2: a.alloc(4 * nActions),
    };
  }

  /** Bytes of kernel memory in use: weights, gradients and activation buffers. */
  get memoryBytes(): number {
    return this.arena.mark;
  }

  /** Stored weights (what the work is proportional to). */
  get storedWeights(): number {
    return MATRICES.reduce((s, m) => s + this.csr[m].nnz, 0);
  }

  /**
   * Place the weights as CSR (masked positions dropped) and the biases, gates packed per unit, for
   * {@link step}; {@link forward} does this itself.
   */
  load(w: AgentWeights, masks: AgentMasks): void {
    for (const name of MATRICES) writeArenaCsr(this.arena, this.csr[name], w[name], masks[name] ?? null);
    this.loadBiases(w);
  }

  /**
   * Replace the values of the weights placed by the last {@link load}, keeping which positions are
   * stored (the masks have not changed since): work proportional to the stored weights.
   */
  loadValues(w: AgentWeights): void {
    for (const name of MATRICES) refreshArenaCsr(this.arena, this.csr[name], w[name]);
    this.loadBiases(w);
  }

  private loadBiases(w: AgentWeights): void {
    const h = this.dims.hidden;
    const [bIh, bHh] = [w['gru.biasIh'], w['gru.biasHh']];
    const gates = this.arena.f32(this.bias.gates, 4 * h);
    for (let j = 0; j < h; j++) {
      gates[4 * j] = (bIh[j] as number) + (bHh[j] as number); // z
      gates[4 * j + 1] = (bIh[h + j] as number) + (bHh[h + j] as number); // r
      gates[4 * j + 2] = bIh[2 * h + j] as number; // input side of n
      gates[4 * j + 3] = bHh[2 * h + j] as number; // recurrent side of n, inside r ⊙ (…)
    }
    this.arena.f32(this.bias.b1, h).set(w['fc1.bias']);
    this.arena.f32(this.bias.b2, this.dims.nActions).set(w['fc2.bias']);
  }

  /**
   * Activation buffers for `steps` × `lanes`, reused while they fit. Batches of episodes grow longer
   * as agents learn, so outgrown buffers are replaced by ones 1.5× as long, and given back to the
   * arena when nothing was placed after them.
   */
  private activations(steps: number, lanes: number, keep = true): Marked<Activations> {
    const c = keep ? this.acts : this.rolling;
    if (c && c.lanes === lanes && c.steps >= steps) return c;
    const capacity = c && c.lanes === lanes ? Math.max(steps, Math.ceil(1.5 * c.steps)) : steps;
    const placed = this.arena.regrow(c, () => this.allocate(capacity, lanes, keep));
    if (keep) this.acts = placed;
    else this.rolling = placed;
    return placed;
  }

  /**
   * Buffers for `steps` × `lanes`. With `keep` false (a forward no backward follows, such as the
   * target network's) every step shares one set of a1, gx, gh and n buffers and h alternates
   * between two, so the working set stays in cache instead of streaming a per-step copy of each
   * activation to memory; only the inputs keep one block per step.
   */
  private allocate(steps: number, lanes: number, keep = true): Activations {
    const { inputSize, hidden: h, nActions } = this.dims;
    const a = this.arena;
    const per = (features: number, count: number): number[] => {
      if (keep) return Array.from({ length: count }, () => a.alloc(4 * features * lanes));
      const shared = [a.alloc(4 * features * lanes), ...(count > steps ? [a.alloc(4 * features * lanes)] : [])];
      return Array.from({ length: count }, (_, t) => shared[t % shared.length] as number); // h: two, alternating
    };
    const xBlock = a.alloc(4 * inputSize * lanes * steps); // one block, so packed inputs go in with one copy
    return {
      steps,
      lanes,
      x: Array.from({ length: steps }, (_, t) => xBlock + 4 * inputSize * lanes * t),
      a1: per(h, steps),
      gx: per(3 * h, steps),
      gh: per(3 * h, steps),
      n: per(h, steps),
      h: per(h, steps + 1),
      q: a.alloc(4 * nActions * lanes),
      dq: a.alloc(4 * nActions * lanes),
      carry: a.alloc(4 * h * lanes),
      dgx: a.alloc(12 * h * lanes),
      dgh: a.alloc(12 * h * lanes),
      da1: a.alloc(4 * h * lanes),
      staging: a.alloc(4 * lanes * Math.max(inputSize, h, nActions)),
    };
  }

  /**
   * Q-values of every row at every step, from zero initial hidden states.
   * @param inputs `[steps, rows, In]` row-major
   * @returns Q `[steps, rows, A]` row-major; the activations stay for {@link backward}.
   */
  forward(w: AgentWeights, masks: AgentMasks, inputs: Float32Array, steps: number, rows: number): Float32Array {
    this.load(w, masks);
    return this.forwardLoaded(inputs, steps, rows);
  }

  /** {@link forward} with the weights of the last {@link load} (or {@link loadValues}). */
  forwardLoaded(inputs: Float32Array, steps: number, rows: number): Float32Array {
    const { inputSize, nActions } = this.dims;
    if (inputs.length !== steps * rows * inputSize)
      throw new RangeError(
        `AgentUnroll.forward: inputs has ${inputs.length} values, expected ${steps}×${rows}×${inputSize}`,
      );
    const s = this.begin(steps, rows);
    this.packedFrom = -1;
    const a = this.arena;
    const q = new Float32Array(steps * rows * nActions);
    for (let t = 0; t < steps; t++) {
      a.putFeatureMajor(
        inputs.subarray(t * rows * inputSize, (t + 1) * rows * inputSize),
        rows,
        inputSize,
        s.lanes,
        s.staging,
        s.x[t] as number,
      ); // [In, lanes]
      this.cellAt(s, t);
      q.set(a.rowMajorView(s.q, rows, nActions, s.lanes, s.staging), t * rows * nActions);
    }
    return q;
  }

  /**
   * {@link forward} over inputs already feature-major, with the weights of the last {@link load} (or
   * {@link loadValues}): the inputs go into kernel memory with one copy and the Q-values come out in
   * the learner's batch-major layout, with no transposes on either side.
   * @param packed `[steps, In, lanes]`, lanes = rows rounded up to a multiple of 4, padded lanes 0
   * @param agents rows are episodes × agents, agent-minor (row = episode·agents + agent)
   * @param firstStep return Q from this step on (the target network's values are wanted from step 1);
   *   {@link backwardPacked} needs a forward from step 0
   * @param out where to write Q (every value is written), reused across calls instead of a new array
   * @returns Q `[episodes, steps − firstStep, agents, A]` (`out` when given); the activations stay for
   *   {@link backwardPacked}.
   */
  forwardPacked(
    packed: Float32Array,
    steps: number,
    rows: number,
    agents: number,
    firstStep = 0,
    out?: Float32Array,
  ): Float32Array {
    const { inputSize, nActions: na } = this.dims;
    const lanes = Math.ceil(rows / 4) * 4;
    if (packed.length !== steps * inputSize * lanes || rows % agents !== 0)
      throw new RangeError(
        `AgentUnroll.forwardPacked: packed has ${packed.length} values, expected ${steps}×${inputSize}×${lanes}, and ${rows} rows must be whole episodes of ${agents} agents`,
      );
    if (!Number.isInteger(firstStep) || firstStep < 0 || firstStep >= steps)
      throw new RangeError(`AgentUnroll.forwardPacked: firstStep ${firstStep} is not a step of ${steps}`);
    const s = this.begin(steps, rows, firstStep === 0); // a forward from step 1 on has no backward
    this.packedFrom = firstStep;
    this.arena.heap.set(packed, (s.x[0] as number) >> 2);
    const kept = steps - firstStep;
    if (out && out.length !== kept * rows * na)
      throw new RangeError(`AgentUnroll.forwardPacked: out has ${out.length} values, expected ${kept}×${rows}×${na}`);
    const q = out ?? new Float32Array(kept * rows * na); // [episodes, kept, agents, A]
    for (let t = 0; t < steps; t++) {
      this.cellAt(s, t);
      if (t < firstStep) continue;
      const view = this.arena.f32(s.q, na * lanes); // [A, lanes]
      const episodeStride = kept * agents * na; // one episode's values in q
      for (let r = 0, at = (t - firstStep) * agents * na; r < rows; at += episodeStride - agents * na) {
        for (let i = 0; i < agents; i++, r++)
          for (let k = 0, from = r; k < na; k++, at++, from += lanes) q[at] = view[from] as number;
      }
    }
    return q;
  }

  /** Activation buffers for a forward of `steps` × `rows`, with h₀ = 0. */
  private begin(steps: number, rows: number, keep = true): Marked<Activations> {
    const lanes = Math.ceil(rows / 4) * 4;
    const s = this.activations(steps, lanes, keep);
    [this.rows, this.steps, this.kept] = [rows, steps, keep];
    this.arena.zero(s.h[0] as number, this.dims.hidden * lanes); // h₀ = 0
    return s;
  }

  /** Step `t` of a forward whose inputs are in place, keeping what the backward pass needs. */
  private cellAt(s: Activations, t: number): void {
    this.cell(
      s.x[t] as number,
      s.a1[t] as number,
      s.gx[t] as number,
      s.gh[t] as number,
      this.kept ? (s.n[t] as number) : 0, // the candidate only when a backward follows
      s.h[t] as number,
      s.h[t + 1] as number,
      s.q,
      s.lanes,
    );
  }

  /**
   * One step of the network on feature-major buffers: x [In] → a1 [H] → gx, gh [3H] → n, hNext
   * [H] → q [A], from hPrev [H] (each × lanes); `n` 0 to not keep the candidate.
   */
  private cell(
    x: number,
    a1: number,
    gx: number,
    gh: number,
    n: number,
    hPrev: number,
    hNext: number,
    q: number,
    lanes: number,
  ): void {
    const k = this.arena.kernels;
    const h = this.dims.hidden;
    const { b1, gates, b2 } = this.bias;
    const [W1, Wih, Whh, W2] = MATRICES.map((m) => this.csr[m]) as [ArenaCsr, ArenaCsr, ArenaCsr, ArenaCsr];
    k.spmmBias(W1.rowStart, W1.col, W1.val, W1.outputs, x, a1, lanes, b1, 1); // relu(x·W1 + b1) [H, lanes]
    k.spmm(Wih.rowStart, Wih.col, Wih.val, Wih.outputs, a1, gx, lanes); // [3H, lanes]
    k.spmm(Whh.rowStart, Whh.col, Whh.val, Whh.outputs, hPrev, gh, lanes); // [3H, lanes]
    k.gruForward(gx, gh, gates, hPrev, hNext, h, lanes, n); // z, r in gx's first two blocks; h' (and n when kept)
    k.spmmBias(W2.rowStart, W2.col, W2.val, W2.outputs, hNext, q, lanes, b2, 0); // [A, lanes]
  }

  /**
   * One step for `rows` rows from their hidden states, with the weights of the last {@link load}
   * (acting: one row per agent).
   * @param inputs `[rows, In]`; @param hidden `[rows, H]`
   * @returns Q `[rows, A]` and the next hidden state `[rows, H]`, row-major, fresh arrays.
   */
  step(inputs: Float32Array, hidden: Float32Array, rows: number): { q: Float32Array; hidden: Float32Array } {
    const { inputSize, hidden: h, nActions } = this.dims;
    if (inputs.length !== rows * inputSize || hidden.length !== rows * h)
      throw new RangeError(`AgentUnroll.step: expected ${rows}×${inputSize} inputs and ${rows}×${h} hidden values`);
    const lanes = Math.ceil(rows / 4) * 4;
    if (this.stepBuffers?.lanes !== lanes) this.stepBuffers = this.allocate(1, lanes); // apart from forward's
    const s = this.stepBuffers;
    const a = this.arena;
    const [x, a1, gx, gh, hPrev, hNext] = [s.x[0], s.a1[0], s.gx[0], s.gh[0], s.h[0], s.h[1]] as number[] as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    a.putFeatureMajor(inputs, rows, inputSize, lanes, s.staging, x);
    a.putFeatureMajor(hidden, rows, h, lanes, s.staging, hPrev);
    this.cell(x, a1, gx, gh, 0, hPrev, hNext, s.q, lanes);
    const q = a.rowMajorView(s.q, rows, nActions, lanes, s.staging).slice();
    return { q, hidden: a.rowMajorView(hNext, rows, h, lanes, s.staging).slice() };
  }

  /**
   * Gradients of the loss with respect to every parameter, from ∂L/∂Q of the last {@link forward}.
   * @param dq `[steps, rows, A]` row-major
   * @returns dense gradients in the parameters' own layouts; zero at masked positions.
   */
  backward(dq: Float32Array): AgentWeights {
    const s = this.acts;
    if (!s || !this.kept) throw new Error('AgentUnroll.backward needs a forward that kept its activations before it');
    const { nActions } = this.dims;
    const [rows, lanes, steps] = [this.rows, s.lanes, this.steps];
    if (dq.length !== steps * rows * nActions)
      throw new RangeError(
        `AgentUnroll.backward: dq has ${dq.length} values, expected ${steps}×${rows}×${nActions} (the last forward's)`,
      );
    return this.backpropagate(s, (t) =>
      this.arena.putFeatureMajor(
        dq.subarray(t * rows * nActions, (t + 1) * rows * nActions),
        rows,
        nActions,
        lanes,
        s.staging,
        s.dq,
      ),
    ); // [A, lanes], padded lanes stay 0
  }

  /**
   * {@link backward} from ∂L/∂Q in {@link forwardPacked}'s layout.
   * @param dq `[episodes, steps, agents, A]`
   * @param agents as given to the last {@link forwardPacked}
   * @param out arrays to write the gradients into (each of its parameter's size), reused across calls
   *   instead of new ones; returned
   */
  backwardPacked(dq: Float32Array, agents: number, out?: AgentWeights): AgentWeights {
    const s = this.acts;
    if (!s || !this.kept || this.packedFrom !== 0)
      throw new Error('AgentUnroll.backwardPacked needs a forwardPacked from step 0 before it');
    const na = this.dims.nActions;
    const [rows, lanes, steps] = [this.rows, s.lanes, this.steps];
    if (dq.length !== steps * rows * na)
      throw new RangeError(
        `AgentUnroll.backwardPacked: dq has ${dq.length} values, expected ${steps}×${rows}×${na} (the last forward's)`,
      );
    return this.backpropagate(
      s,
      (t) => {
        const view = this.arena.f32(s.dq, na * lanes); // [A, lanes], padded lanes stay 0
        for (let e = 0, r = 0; r < rows; e++) {
          for (let i = 0, at = (e * steps + t) * agents * na; i < agents; i++, r++, at += na) {
            for (let k = 0; k < na; k++) view[k * lanes + r] = dq[at + k] as number;
          }
        }
      },
      out,
    );
  }

  /**
   * Backpropagation through time; `fillDq(t)` writes step t's ∂L/∂Q into `s.dq` (`[A, lanes]`); the
   * gradients go into `out`'s arrays when given, else new ones.
   */
  private backpropagate(s: Activations, fillDq: (t: number) => void, out?: AgentWeights): AgentWeights {
    const { hidden: h, nActions } = this.dims;
    const [lanes, steps] = [s.lanes, this.steps];
    const a = this.arena;
    const k = a.kernels;
    const [W1, Wih, Whh, W2] = MATRICES.map((m) => this.csr[m]) as [ArenaCsr, ArenaCsr, ArenaCsr, ArenaCsr];
    const { gates, gb1, gbIh, gbHh, gb2 } = this.bias;
    for (const m of [W1, Wih, Whh, W2]) a.zero(m.grad, m.nnz);
    [
      [gb1, h],
      [gbIh, 3 * h],
      [gbHh, 3 * h],
      [gb2, nActions],
      [s.carry, h * lanes],
      [s.dq, nActions * lanes],
    ].forEach(([at, n]) => a.zero(at as number, n as number));
    for (let t = steps - 1; t >= 0; t--) {
      const [x, a1, gx, gh, n, hPrev, hNext] = [
        s.x[t],
        s.a1[t],
        s.gx[t],
        s.gh[t],
        s.n[t],
        s.h[t],
        s.h[t + 1],
      ] as number[] as [number, number, number, number, number, number, number];
      fillDq(t);
      // --- fc2
      k.sddmm(W2.rowStart, W2.col, W2.outputs, s.dq, hNext, W2.grad, lanes);
      k.rowSums(s.dq, gb2, nActions, lanes);
      k.spmmT(W2.rowStart, W2.col, W2.val, W2.outputs, s.dq, s.carry, lanes); // dh = carry + W2ᵀ·dq  [H, lanes]
      // --- GRU: dh → dgx, dgh; carry ← dh ⊙ z, then += Whhᵀ·dgh
      k.gruBackward(s.carry, gx, n, gh, gates, hPrev, s.dgx, s.dgh, s.carry, h, lanes);
      k.sddmm(Wih.rowStart, Wih.col, Wih.outputs, s.dgx, a1, Wih.grad, lanes);
      k.rowSums(s.dgx, gbIh, 3 * h, lanes);
      k.sddmm(Whh.rowStart, Whh.col, Whh.outputs, s.dgh, hPrev, Whh.grad, lanes);
      k.rowSums(s.dgh + 8 * h * lanes, gbHh + 8 * h, h, lanes); // the candidate block; z, r below
      k.spmmT(Whh.rowStart, Whh.col, Whh.val, Whh.outputs, s.dgh, s.carry, lanes);
      // --- fc1 through the ReLU
      a.zero(s.da1, h * lanes);
      k.spmmT(Wih.rowStart, Wih.col, Wih.val, Wih.outputs, s.dgx, s.da1, lanes); // [H, lanes]
      k.reluBackward(s.da1, a1, s.da1, h * lanes);
      k.sddmm(W1.rowStart, W1.col, W1.outputs, s.da1, x, W1.grad, lanes);
      k.rowSums(s.da1, gb1, h, lanes);
    }
    // dgh's z and r blocks are dgx's (gruBackward copies them), so their bias gradients are gbIh's
    a.f32(gbHh, 2 * h).set(a.f32(gbIh, 2 * h));
    const dense = (m: ArenaCsr, name: MatrixName): Float32Array => denseGradient(this.arena, m, out?.[name]);
    const copy = (at: number, n: number, name: keyof AgentWeights): Float32Array => {
      const view = this.arena.f32(at, n);
      const into = out?.[name];
      if (!into) return view.slice();
      into.set(view);
      return into;
    };
    return {
      'fc1.weight': dense(W1, 'fc1.weight'),
      'fc1.bias': copy(gb1, h, 'fc1.bias'),
      'gru.weightIh': dense(Wih, 'gru.weightIh'),
      'gru.weightHh': dense(Whh, 'gru.weightHh'),
      'gru.biasIh': copy(gbIh, 3 * h, 'gru.biasIh'),
      'gru.biasHh': copy(gbHh, 3 * h, 'gru.biasHh'),
      'fc2.weight': dense(W2, 'fc2.weight'),
      'fc2.bias': copy(gb2, nActions, 'fc2.bias'),
    };
  }
}
