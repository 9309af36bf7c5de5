/**
 * The toolkit's WebAssembly kernels (`sparse-kernels.wat`, compiled at build time), used by the
 * sparse engine and by training (`compute: kernels`), and the memory they work in. The module is
 * compiled once per process; each user gets its own instance and memory, with a bump allocator:
 * weights are placed once, activation buffers when a batch outgrows them (the newest allocations can
 * be released for reuse), and the memory goes when the user is dropped.
 *
 * Two builds of the same kernels exist (scripts/build-wasm.mjs): `sparse-kernels.relaxed.wasm` uses
 * relaxed SIMD's fused multiply-add in the products, `sparse-kernels.wasm` a multiply then an add.
 * The relaxed build is chosen at start-up when the runtime validates relaxed SIMD (Node 20 only with
 * `--experimental-wasm-relaxed-simd`; later V8s by default); its products may round once where the
 * other rounds twice, so the two differ by a few units in the last place of each sum.
 *
 * Each arena starts with {@link SCRATCH_BYTES} of scratch that the products use as packed panels
 * when a batch has many lanes; a kernel's result does not depend on whether it packed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ToolkitError } from '../util/errors.js';

/** The exported kernels; every pointer is a byte offset into the instance's memory (see the .wat). */
export interface SparseKernels {
  spmm(rowStart: number, col: number, val: number, rows: number, x: number, y: number, lanes: number): void;
  /**
   * {@link spmm}, then {@link addBias} with `bias` (`[rows]`, a real buffer: not 0), then {@link relu}
   * when `relu` is 1: the same bits, in one pass for a matrix that is not dense.
   */
  spmmBias(
    rowStart: number,
    col: number,
    val: number,
    rows: number,
    x: number,
    y: number,
    lanes: number,
    bias: number,
    relu: number,
  ): void;
  /** {@link spmm} at exactly 8 lanes, over `off` = col × 32 (byte offsets of x's rows); the same bits as spmm row by row. */
  spmm8(rowStart: number, off: number, val: number, rows: number, x: number, y: number): void;
  /** {@link spmm} at exactly 4 lanes, over `off` = col × 16; the same bits as spmm row by row. */
  spmm4(rowStart: number, off: number, val: number, rows: number, x: number, y: number): void;
  /** The dense product of a matrix packed by `packDense` (csr.ts) with the first `batch` lanes of x; y's other lanes ← 0. */
  dense(w: number, rows: number, cols: number, x: number, y: number, batch: number, lanes: number): void;
  /** {@link dense} for exactly the five batch rows b0..b0 + 4 (b0 a multiple of 4), the same bits; lanes b0 + 5..b0 + 7 of y ← 0. */
  dense5(w: number, rows: number, cols: number, x: number, y: number, b0: number, lanes: number): void;
  toFeatureMajor(src: number, dst: number, rows: number, features: number, lanes: number): void;
  toRowMajor(src: number, dst: number, rows: number, features: number, lanes: number): void;
  addBias(x: number, bias: number, y: number, features: number, lanes: number): void;
  add(a: number, b: number, y: number, count: number): void;
  relu(x: number, y: number, count: number): void;
  mul(a: number, b: number, y: number, count: number): void;
  sigmoid(x: number, y: number, count: number): void;
  gruGates(gx: number, gh: number, gates: number, hidden: number, lanes: number): void;
  gruCandidate(
    gx: number,
    gh: number,
    gr: number,
    gates: number,
    h: number,
    y: number,
    hidden: number,
    lanes: number,
    lbr: number,
    nOut: number,
  ): void;
  /**
   * The sparse engine's GRU step with linear_before_reset: gruGates then gruCandidate (lbr 1) in one
   * pass, the same bits in y's first `batch` lanes (its padded lanes may be left as they were); gx
   * and gh are only read.
   */
  gruStep(
    gx: number,
    gh: number,
    gates: number,
    h: number,
    y: number,
    hidden: number,
    batch: number,
    lanes: number,
  ): void;
  /**
   * Training's GRU step with linear_before_reset: gruGates then gruCandidate (lbr 1, candidate kept
   * in `nOut` unless it is 0) in one pass, the same bits in every lane: z and r into gx's first two
   * blocks, the new hidden state into y (not h); gx's candidate block and gh are only read.
   */
  gruForward(
    gx: number,
    gh: number,
    gates: number,
    h: number,
    y: number,
    hidden: number,
    lanes: number,
    nOut: number,
  ): void;
  /** 1 when the `count` floats at `x` are all finite, else 0. */
  allFinite(x: number, count: number): number;
  spmmT(rowStart: number, col: number, val: number, rows: number, x: number, y: number, lanes: number): void;
  sddmm(rowStart: number, col: number, rows: number, dy: number, x: number, g: number, lanes: number): void;
  rowSums(x: number, y: number, features: number, lanes: number): void;
  reluBackward(dy: number, a: number, y: number, count: number): void;
  gruBackward(
    dh: number,
    zr: number,
    n: number,
    gh: number,
    gates: number,
    h: number,
    dgx: number,
    dgh: number,
    dhDirect: number,
    hidden: number,
    lanes: number,
  ): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    mask: number,
    count: number,
    scale: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    bc1: number,
    bc2: number,
    lr: number,
    eps: number,
  ): void;
  /**
   * QMIX's mixing products over feature-major [features, lanes] buffers: pre = Σ_n q_n·|w1[n, :]| + b1,
   * hidden = elu(pre) (e^x − 1 within 3·10⁻⁷ and 10⁻⁶ relative of Math.expm1), qTot = hidden·|wf| + v (see the .wat).
   */
  qmixMixForward(
    q: number,
    w1: number,
    b1: number,
    wf: number,
    v: number,
    hidden: number,
    qTot: number,
    agents: number,
    embed: number,
    lanes: number,
  ): void;
  /** {@link qmixMixForward}'s backward from ∂L/∂qTot: dPre (= ∂L/∂b1), dW1, dWf and dq, each written, not added to. */
  qmixMixBackward(
    dqTot: number,
    q: number,
    w1: number,
    wf: number,
    hidden: number,
    dPre: number,
    dW1: number,
    dWf: number,
    dq: number,
    agents: number,
    embed: number,
    lanes: number,
  ): void;
  rmsprop(
    w: number,
    g: number,
    s: number,
    mask: number,
    count: number,
    scale: number,
    alpha: number,
    c: number,
    lr: number,
    eps: number,
  ): void;
}

/** Which build of the kernels: relaxed SIMD (fused multiply-add) or plain 128-bit SIMD. */
export type KernelVariant = 'relaxed-simd' | 'simd';

/** A module using f32x4.relaxed_madd: whether it validates says whether the runtime has relaxed SIMD. */
const RELAXED_PROBE = Uint8Array.from(
  Buffer.from('0061736d0100000001080160037b7b7b017b03020100070501016600000a0d010b00200020012002fd85020b', 'hex'),
);

let relaxedSupported: boolean | undefined;

/** Whether this runtime runs relaxed SIMD (checked once). */
export function relaxedSimdSupported(): boolean {
  relaxedSupported ??= WebAssembly.validate(RELAXED_PROBE);
  return relaxedSupported;
}

/** The build {@link KernelArena}s use unless told otherwise: relaxed SIMD where the runtime has it. */
export function defaultKernelVariant(): KernelVariant {
  return relaxedSimdSupported() ? 'relaxed-simd' : 'simd';
}

const compiled = new Map<KernelVariant, WebAssembly.Module>();

function kernelModule(variant: KernelVariant): WebAssembly.Module {
  const cached = compiled.get(variant);
  if (cached) return cached;
  if (variant === 'relaxed-simd' && !relaxedSimdSupported())
    throw new ToolkitError(
      'E_KERNELS',
      'the relaxed-SIMD kernels were asked for, but this runtime does not run relaxed SIMD',
      { hint: "use the 'simd' kernels, or run Node with --experimental-wasm-relaxed-simd (Node 20)" },
    );
  const url = new URL(variant === 'simd' ? './sparse-kernels.wasm' : './sparse-kernels.relaxed.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(fileURLToPath(url));
  } catch {
    throw new ToolkitError('E_KERNELS', `the WebAssembly kernels (${fileURLToPath(url)}) are missing`, {
      hint: 'build the package with `npm run build`, which compiles them',
    });
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new ToolkitError(
      'E_KERNELS',
      `the WebAssembly kernels do not compile on this runtime (${(e as Error).message})`,
      { hint: 'they need WebAssembly SIMD (Node ≥ 16.4); use --engine ort to deploy and compute: tfjs to train' },
    );
  }
  compiled.set(variant, module);
  return module;
}

const PAGE = 65536;

/**
 * Bytes of scratch each arena reserves for the products' packed panels (`scratch` and
 * `scratchBytes` in the .wat, which packs nothing when they are not set): spmm and spmmT copy the
 * lanes they work on there when the rows of x or y are far apart (many lanes). At least 32 KiB.
 */
export const SCRATCH_BYTES = 65536;

/** One instance of the kernels with its own memory and a bump allocator over it. */
export class KernelArena {
  readonly kernels: SparseKernels;
  /** The build of the kernels this arena runs. */
  readonly variant: KernelVariant;
  private readonly memory: WebAssembly.Memory;
  private top = 16; // offset 0 stays unused, so a real buffer never sits at the null pointer
  private heapView: Float32Array;

  /** @param variant the build to run (default: {@link defaultKernelVariant}); tests compare the two. */
  constructor(variant: KernelVariant = defaultKernelVariant()) {
    this.variant = variant;
    this.memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(kernelModule(variant), { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as SparseKernels;
    const scratch = instance.exports as { scratch: { value: number }; scratchBytes: { value: number } };
    scratch.scratch.value = this.alloc(SCRATCH_BYTES);
    scratch.scratchBytes.value = SCRATCH_BYTES;
    this.heapView = new Float32Array(this.memory.buffer);
  }

  /** Reserve `bytes` (16-byte aligned; zeroed unless {@link release}d memory is reused) and return its offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 16) * 16;
    const short = this.top - this.memory.buffer.byteLength;
    if (short > 0) this.memory.grow(Math.ceil(short / PAGE));
    return at;
  }

  /** Where the next {@link alloc} starts: pass it to {@link release} to give back what follows. */
  get mark(): number {
    return this.top;
  }

  /**
   * Give back every allocation made since `mark` (none of them may be used again); later allocs
   * reuse that memory without zeroing it. For buffers replaced by larger ones, so a run whose batch
   * shapes grow does not keep every outgrown buffer.
   */
  release(mark: number): void {
    if (!Number.isInteger(mark) || mark < 16 || mark > this.top || mark % 16 !== 0)
      throw new RangeError(`KernelArena.release: ${mark} is not a mark of this arena (top ${this.top})`);
    this.top = mark;
  }

  /**
   * Place a block of buffers with `place` (which allocates from this arena), first giving back
   * `previous` when it is still the newest block: for buffers a larger batch has outgrown. The block
   * comes back with its marks, to pass as `previous` next time.
   */
  regrow<T extends object>(
    previous: { start: number; end: number } | null,
    place: () => T,
  ): T & { start: number; end: number } {
    if (previous && this.top === previous.end) this.release(previous.start);
    const start = this.top;
    const placed = place();
    return { ...placed, start, end: this.top };
  }

  /** Reserve room for `values` and copy them in. */
  put(values: Float32Array | Int32Array): number {
    const at = this.alloc(values.byteLength);
    (values instanceof Float32Array ? this.f32(at, values.length) : this.i32(at, values.length)).set(values);
    return at;
  }

  /** A Float32Array view of `length` floats at `offset` (valid until the memory next grows). */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }

  /** An Int32Array view of `length` ints at `offset` (valid until the memory next grows). */
  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, length);
  }

  /**
   * Write `values` (`[rows, features]` row-major) into the feature-major buffer at `dst`
   * (`[features, lanes]`) through the row-major scratch at `staging`; padded lanes are left alone.
   */
  putFeatureMajor(
    values: Float32Array,
    rows: number,
    features: number,
    lanes: number,
    staging: number,
    dst: number,
  ): void {
    this.heap.set(values, staging >> 2);
    this.kernels.toFeatureMajor(staging, dst, rows, features, lanes);
  }

  /**
   * The first `rows` lanes of the feature-major buffer at `src` as `[rows, features]` row-major: a
   * view of the scratch at `staging`, valid until that scratch is written again.
   */
  rowMajorView(src: number, rows: number, features: number, lanes: number, staging: number): Float32Array {
    this.kernels.toRowMajor(src, staging, rows, features, lanes);
    return this.heap.subarray(staging >> 2, (staging >> 2) + rows * features);
  }

  /** Zero `floats` floats at byte offset `offset`. */
  zero(offset: number, floats: number): void {
    this.heap.fill(0, offset >> 2, (offset >> 2) + floats);
  }

  /** The whole memory as floats (index = byte offset / 4); re-read after any alloc. */
  get heap(): Float32Array {
    if (this.heapView.buffer !== this.memory.buffer) this.heapView = new Float32Array(this.memory.buffer); // grown since
    return this.heapView;
  }
}
