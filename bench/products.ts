/**
 * `npm run bench -- products [--before DIR] [--json]`: training's three product kernels alone
 * (`spmm` Y = W·X, `spmmT` ∂X += Wᵀ·∂Y, `sddmm` ∂W += ∂Y·Xᵀ at the stored positions) in GFLOP/s at
 * densities 1, 0.1 and 0.05, on the matrices and lane counts of a 2s3z-sized update (the agent's
 * fc1, a GRU weight and fc2 at episodes × agents lanes, two of the QMIX hypernetworks' layers at
 * episodes × steps lanes), beside the 128-bit SIMD ceiling of one core (16 FLOP/cycle: two 4-wide
 * multiplies and two 4-wide adds per cycle). `--before DIR` (DIR = another build's
 * `packages/runtime/dist`, e.g. one of `main`) times that build's kernels on the same buffers in the
 * same rounds, so before/after is one run. The ceiling is also measured, in every row's rounds: a
 * loop of twelve independent 4-wide multiply-then-add chains (no memory traffic, the plain build's
 * instructions) shows what this core sustains at its real clock, which may be above the reported
 * one (boost), and under the load of the moment (a busy SMT sibling slows it as it slows the
 * kernels). Rounds alternate the builds; medians over rounds. Times are this process's CPU time, not
 * wall time: on a shared machine the process is descheduled for whole time slices, which CPU time
 * leaves out (the kernels run on one thread and allocate nothing, so no GC thread adds to it).
 * FLOPs count 2 per stored weight per lane.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import initWabt from 'wabt';
import { KernelArena, type KernelVariant, type SparseKernels } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { csrFromEntries, type CsrMatrix } from '@mast-toolkit/runtime/internal/kernels/csr';
import { Rng } from '../src/util/rng.js';
import { median } from '../src/util/stats.js';
import { formatMachine, machineInfo, type MachineInfo } from './machine.js';

/** A product's matrix: `rows` outputs over `cols` inputs at `lanes` lanes. */
export interface ProductShape {
  name: string;
  rows: number;
  cols: number;
  lanes: number;
}

/**
 * 2s3z (5 agents, hidden 64, 96 inputs, 11 actions, state 120, QMIX embed 32) at the train-step
 * bench's batch (32 episodes × 60 steps: the agent at 160 lanes, the hypernetworks at 1,920) and at
 * the pymarl2 preset's (128 episodes × 120 steps: 640 and 15,360 lanes).
 */
export const PRODUCT_SHAPES: ProductShape[] = [160, 640]
  .flatMap((lanes) => [
    { name: 'agent fc1 64×96', rows: 64, cols: 96, lanes },
    { name: 'agent gru 192×64', rows: 192, cols: 64, lanes },
    { name: 'agent fc2 11×64', rows: 11, cols: 64, lanes },
  ])
  .concat(
    [1920, 15360].flatMap((lanes) => [
      { name: 'hyper 64×120', rows: 64, cols: 120, lanes },
      { name: 'hyper 160×64', rows: 160, cols: 64, lanes },
    ]),
  );

const KERNELS = ['spmm', 'spmmT', 'sddmm'] as const;
type Kernel = (typeof KERNELS)[number];

/** The module of the measured ceiling: `peak(n)` runs n steps of 12 independent a = a·m + c on f32x4 (96 FLOPs per step). */
const PEAK_WAT = `(module
  (func (export "peak") (param $n i32) (result f32)
    (local $m v128) (local $c v128) ${Array.from({ length: 12 }, (_, i) => `(local $a${i} v128)`).join(' ')}
    (local.set $m (f32x4.splat (f32.const 0.5)))
    (local.set $c (f32x4.splat (f32.const 1)))
    (loop $step
      ${Array.from({ length: 12 }, (_, i) => `(local.set $a${i} (f32x4.add (f32x4.mul (local.get $a${i}) (local.get $m)) (local.get $c)))`).join('\n      ')}
      (br_if $step (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 (f32x4.add ${Array.from({ length: 11 }, (_, i) => `(f32x4.add (local.get $a${i})`).join(' ')} (local.get $a11)${')'.repeat(11)} (local.get $a0))))
)`;

/** {@link PEAK_WAT} compiled: `peak(steps)` returns its GFLOP/s in CPU time. */
async function peakLoop(): Promise<(steps: number) => number> {
  const wabt = await initWabt();
  const parsed = wabt.parseWat('peak.wat', PEAK_WAT, { simd: true });
  const bytes = parsed.toBinary({}).buffer;
  parsed.destroy();
  const wasm = globalThis as unknown as {
    WebAssembly: {
      Instance: new (m: unknown) => { exports: { peak(n: number): number } };
      Module: new (b: Uint8Array) => unknown;
    };
  };
  const { peak } = new wasm.WebAssembly.Instance(new wasm.WebAssembly.Module(bytes)).exports;
  return (steps) => {
    const cpu0 = process.cpuUsage();
    peak(steps);
    const cpu = process.cpuUsage(cpu0);
    return (96 * steps) / ((cpu.user + cpu.system) * 1e3);
  };
}

/** One row: a shape, a density, and each kernel's GFLOP/s in this build (and the before build's). */
export interface ProductRow {
  shape: string;
  density: number;
  lanes: number;
  flops: number;
  after: Record<Kernel, number>;
  before?: Record<Kernel, number>;
  /** The measured ceiling in the same rounds (GFLOP/s): the shares are of this. */
  ceiling: number;
}

/** The bench's result. */
export interface ProductsSummary {
  machine: MachineInfo;
  variant: KernelVariant;
  /** 16 FLOP/cycle × the reported clock, in GFLOP/s (null when the clock is unknown). */
  ceiling: number | null;
  /** The median over rows of each row's measured ceiling (a multiply-then-add loop without memory traffic, timed in the row's rounds), GFLOP/s. */
  measuredCeiling: number;
  before?: string;
  rows: ProductRow[];
  loadAfter: number[];
}

type ArenaClass = new (
  variant?: KernelVariant,
) => { kernels: SparseKernels } & Pick<KernelArena, 'put' | 'alloc' | 'f32'>;

/** `--before DIR`'s KernelArena, or undefined without the flag. */
async function beforeArena(): Promise<{ dir: string; Arena: ArenaClass } | undefined> {
  const at = process.argv.indexOf('--before');
  if (at < 0) return undefined;
  const dir = resolve(process.argv[at + 1] ?? '');
  const file = join(dir, 'kernels', 'kernels.js');
  if (!existsSync(file))
    throw new RangeError(`--before must name a built packages/runtime/dist (with kernels/kernels.js), got ${dir}`);
  const module = (await import(pathToFileURL(file).href)) as { KernelArena: ArenaClass };
  return { dir, Arena: module.KernelArena };
}

function randomMatrix(rng: Rng, rows: number, cols: number, density: number): CsrMatrix {
  return csrFromEntries(rows, cols, rows * cols, (k) => [
    Math.floor(k / cols),
    k % cols,
    density >= 1 || rng.next() < density ? rng.uniform(-1, 1) || 0.5 : 0,
  ]);
}

/** The matrix and activations of one shape placed in an arena, with a runner per kernel. */
function place(
  arena: InstanceType<ArenaClass>,
  m: CsrMatrix,
  x: Float32Array,
  dy: Float32Array,
  lanes: number,
): Record<Kernel, () => void> {
  const [rs, col, val, xAt, dyAt] = [
    arena.put(m.rowStart),
    arena.put(m.col),
    arena.put(m.value),
    arena.put(x),
    arena.put(dy),
  ];
  const [yAt, dxAt, gAt] = [
    arena.alloc(4 * m.rows * lanes),
    arena.alloc(4 * m.cols * lanes),
    arena.alloc(4 * Math.max(1, m.value.length)),
  ];
  const k = arena.kernels;
  return {
    spmm: () => k.spmm(rs, col, val, m.rows, xAt, yAt, lanes),
    spmmT: () => k.spmmT(rs, col, val, m.rows, dyAt, dxAt, lanes),
    sddmm: () => k.sddmm(rs, col, m.rows, dyAt, xAt, gAt, lanes),
  };
}

/** Median GFLOP/s of each kernel, this build and (if given) the before build, in alternating rounds. */
function benchRow(
  shape: ProductShape,
  density: number,
  rounds: number,
  peak: (steps: number) => number,
  Before?: ArenaClass,
): ProductRow {
  const rng = new Rng(7);
  const m = randomMatrix(rng, shape.rows, shape.cols, density);
  const x = Float32Array.from({ length: shape.cols * shape.lanes }, () => rng.uniform(-1, 1));
  const dy = Float32Array.from({ length: shape.rows * shape.lanes }, () => rng.uniform(-1, 1));
  const flops = 2 * m.value.length * shape.lanes;
  // about 4 ms of work per timing at 20 GFLOP/s, so timer resolution and call overhead do not count
  const reps = Math.max(1, Math.round(8e7 / Math.max(flops, 1)));
  const builds = [{ runs: place(new KernelArena('simd'), m, x, dy, shape.lanes), times: newTimes() }];
  if (Before) builds.push({ runs: place(new Before('simd'), m, x, dy, shape.lanes), times: newTimes() });
  const peaks: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    const p = peak(200_000); // about 1.5 ms
    if (r >= 2) peaks.push(p);
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      for (const kernel of KERNELS) {
        const run = b.runs[kernel];
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < reps; i++) run();
        const cpu = process.cpuUsage(cpu0);
        if (r >= 2) b.times[kernel].push((cpu.user + cpu.system) / 1000 / reps); // ms of CPU time
      }
    }
  }
  const rate = (times: Record<Kernel, number[]>): Record<Kernel, number> =>
    Object.fromEntries(KERNELS.map((k) => [k, flops / (median(times[k]) * 1e6)])) as Record<Kernel, number>;
  return {
    shape: shape.name,
    density,
    lanes: shape.lanes,
    flops,
    after: rate(builds[0]!.times),
    before: builds[1] ? rate(builds[1].times) : undefined,
    ceiling: median(peaks),
  };
}

function newTimes(): Record<Kernel, number[]> {
  return { spmm: [], spmmT: [], sddmm: [] };
}

/** Run the bench: every shape at densities 1, 0.1 and 0.05 (plain-SIMD builds, Node 20's default). */
export async function productsBench(rounds = 11): Promise<ProductsSummary> {
  const machine = machineInfo();
  const before = await beforeArena();
  const peak = await peakLoop();
  const rows: ProductRow[] = [];
  for (const shape of PRODUCT_SHAPES)
    for (const density of [1, 0.1, 0.05]) rows.push(benchRow(shape, density, rounds, peak, before?.Arena));
  return {
    machine,
    variant: 'simd',
    ceiling: machine.mhz ? (16 * machine.mhz) / 1000 : null,
    measuredCeiling: median(rows.map((r) => r.ceiling)),
    before: before?.dir,
    rows,
    loadAfter: machineInfo().loadAvg,
  };
}

/** The summary as text lines: GFLOP/s per kernel, share of the ceiling, after/before speed-ups. */
export function formatProducts(s: ProductsSummary): string[] {
  const lines = [
    formatMachine(s.machine),
    `kernels: ${s.variant} build, 1 thread; ceiling ${s.ceiling ? s.ceiling.toFixed(1) : '?'} GFLOP/s at the reported clock (16 FLOP/cycle), ${s.measuredCeiling.toFixed(1)} measured (median over rows; a multiply-add loop without memory traffic, timed in each row's rounds); GFLOP/s (share of the row's measured ceiling)` +
      (s.before ? `; before = ${s.before}, same rounds` : ''),
  ];
  for (const r of s.rows) {
    const pct = (g: number): string => ` (${((100 * g) / r.ceiling).toFixed(0)}%)`;
    const cells = KERNELS.map((k) => {
      const g = r.after[k];
      const b = r.before?.[k];
      return `${k} ${g.toFixed(1)}${pct(g)}${b !== undefined ? ` before ${b.toFixed(1)} → ×${(g / b).toFixed(2)}` : ''}`;
    });
    lines.push(`${r.shape}, ${r.lanes} lanes, density ${r.density}: ${cells.join(' | ')}`);
  }
  lines.push(`load average at the end: ${s.loadAfter.join(' ')}`);
  return lines;
}
