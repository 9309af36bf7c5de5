/**
 * `npm run bench -- train-step [--json]`: one learner update (agents + QMIX mixer + targets +
 * backward + Adam) for 3m-, 2s3z- and 3s5z-sized inputs (32 episodes × 60 steps, hidden 64), at
 * densities 1, 0.1 and 0.05 with `compute: kernels` (the default: the agents and the sparse mixer
 * layers on the WebAssembly kernels), at density 1 with `compute: tfjs` (the reference path), at
 * densities 1, 0.1 and 0.05 with `compute: arrays` (the tfjs-free update; its own line per shape:
 * time, ratio to the kernels path, wall/FLOP ratios, 1 vs 1 against PyTorch), and —
 * when Debian's python3-torch is installed — the same update in PyTorch 1.13 in the same run, at equal
 * thread counts: 1 vs 1 (torch.set_num_threads(1) and OMP/OPENBLAS/MKL_NUM_THREADS=1 in the child's
 * environment, since OpenBLAS ignores the former), and on a machine with two or more cores 2 vs 2:
 * `compute: arrays` dense with `updateThreads: 2` (its own line per shape: time, speed-up over one
 * thread, what sending the weights to the worker cost per update) against PyTorch at 2 threads, and
 * the kernels path's single thread against PyTorch at 2 for reference. Beside every ratio it prints
 * the machine (CPU model, cores, Node and PyTorch versions, load), the threads each side was given
 * and the cores each kept busy, PyTorch's 512×512 GEMM rate at that thread count and ours in GFLOP/s.
 * Rounds alternate ours and PyTorch's so machine-load swings hit both; the ratios are medians over
 * rounds. With `--json` the last line is one JSON object with `machine`, `ratioVsTorch` (ours dense /
 * PyTorch at 1 vs 1, 3m-sized; per row `vsTorch` by thread count), `sparseSpeedup` (ours dense / ours
 * at density 0.1, 3m-sized) and `flopLimitRatio` (achieved FLOP/s of our dense update over one core's
 * FP32 peak at its clock; per row also over WebAssembly SIMD's ceiling); per row also `wallPerFlop01`
 * and `wallPerFlop005`, the update's wall-time ratio to dense over its FLOP ratio at densities 0.1 and
 * 0.05 (1 when time shrinks exactly with the FLOPs); per row `arrays` holds the same figures for
 * `compute: arrays`, and `arrays2` those of `compute: arrays` dense on two update threads (with
 * `ratioVsTorch2`, against PyTorch at 2 threads).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/index.js';
import { benchLearner } from './learner.js';
import type { ComputeMode, TrainConfig } from '../src/config/types.js';
import type { WeightTraffic } from '../src/marl/learner/update-thread.js';
import { initBackend } from '../src/marl/backend.js';
import type { QLearner } from '../src/marl/learner/learner.js';
import type { ParamStore } from '../src/marl/nets/params.js';
import { makeBatch, type Episode } from '../src/marl/replay/episode.js';
import type { EnvInfo } from '../src/envs/types.js';
import { Rng } from '../src/util/rng.js';
import { median } from '../src/util/stats.js';
import { coresBusyMeter, formatMachine, machineInfo, type MachineInfo } from './machine.js';

const B = 32;
const T = 60;
const H = 64;
export const SHAPES: Array<{ name: string; info: EnvInfo }> = [
  { name: '3m', info: { nAgents: 3, nActions: 9, obsShape: 30, stateShape: 48, episodeLimit: T, reportsWins: true } },
  {
    name: '2s3z',
    info: { nAgents: 5, nActions: 11, obsShape: 80, stateShape: 120, episodeLimit: T, reportsWins: true },
  },
  {
    name: '3s5z',
    info: { nAgents: 8, nActions: 14, obsShape: 128, stateShape: 216, episodeLimit: T, reportsWins: true },
  },
];
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = fileURLToPath(new URL('../../bench/torch_qmix_step.py', import.meta.url));

/** A random full-length episode of `info`'s sizes. */
function episode(info: EnvInfo, rng: Rng): Episode {
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = info;
  return {
    length: T,
    obs: Float32Array.from({ length: (T + 1) * n * o }, () => rng.uniform(-1, 1)),
    state: Float32Array.from({ length: (T + 1) * s }, () => rng.uniform(-1, 1)),
    avail: new Uint8Array((T + 1) * n * a).fill(1),
    actions: Int32Array.from({ length: T * n }, () => rng.int(a)),
    reward: Float32Array.from({ length: T }, () => rng.uniform(0, 1)),
    terminated: new Uint8Array(T),
  };
}

/**
 * A learner for `info` at `density` and a function timing `reps` updates (median ms); `threads` is
 * `updateThreads` (`compute: arrays` only).
 */
export function ourUpdate(
  info: EnvInfo,
  density: number,
  compute: ComputeMode = 'kernels',
  threads: TrainConfig['updateThreads'] = 1,
): { time: (reps: number) => number; dispose: () => void; flopRatio: number; traffic: () => WeightTraffic | null } {
  const config = resolveConfig('default', {
    compute,
    updateThreads: threads,
    ...(density < 1 ? { sparsity: { mode: 'static', density } } : {}),
  });
  const rng = new Rng(1);
  const learner = benchLearner(config, info, rng);
  learner.updateTargets(); // the target networks carry the masks, as in a run
  const batch = makeBatch(
    Array.from({ length: B }, () => episode(info, rng)),
    info,
  );
  learner.train(batch, { tEnv: 0 }); // warm-up: kernel compilation
  return {
    time: (reps) => {
      const t: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        learner.train(batch, { tEnv: 0 });
        t.push(performance.now() - t0);
      }
      return median(t);
    },
    dispose: () => learner.dispose(),
    flopRatio: updateFlopRatio(learner, info),
    traffic: () => learner.updateThreadTraffic,
  };
}

/**
 * The update's FLOPs at this learner's masks over the dense update's, counted as the FLOP meter
 * counts them (2·stored weights per row: the agent on B·(T+1)·N rows, the mixer on B·T).
 */
function updateFlopRatio(learner: QLearner, info: EnvInfo): number {
  const count = (store: ParamStore): { active: number; dense: number } => {
    let [active, dense] = [0, 0];
    for (const name of store.maskableNames()) {
      const size = store.get(name).size;
      const mask = store.mask(name);
      dense += size;
      active += mask ? mask.reduce((sum, m) => sum + m, 0) : size;
    }
    return { active, dense };
  };
  const [agent, mixer] = [count(learner.agent.params), count(learner.mixer.params)];
  const [agentRows, mixerRows] = [B * (T + 1) * info.nAgents, B * T];
  return (agentRows * agent.active + mixerRows * mixer.active) / (agentRows * agent.dense + mixerRows * mixer.dense);
}

function torchAvailable(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/**
 * Threads our update runs on in every row but `arrays2`: tfjs-wasm is single-threaded under Node (its
 * multithreaded build is disabled there: tfjs issue 3830), and the kernels path and the array update
 * at `updateThreads: 1` use one thread. The cores the process actually kept busy are measured beside
 * it (V8's GC helpers add to them).
 */
const OUR_THREADS = 1;

/** One PyTorch measurement at a thread count: what the child reported. */
export interface TorchRun {
  ms: number;
  threads: number;
  gemmGflops: number;
  coresBusy: number;
  gemmCoresBusy: number;
  torch: string;
  blas: string | null;
  blasThreads: number | null;
}

/**
 * PyTorch's median update time at `threads` threads, its BLAS's GFLOP/s on a 512×512 product at the
 * same count, and the cores it kept busy. torch.set_num_threads alone does not bound OpenBLAS's pool
 * (it kept both cores busy), so the thread variables are set in the child's environment too.
 */
function torchUpdate(info: EnvInfo, reps: number, threads: number): TorchRun {
  const { nAgents: n, obsShape: o, nActions: a, stateShape: s } = info;
  const t = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const r = spawnSync(PYTHON, [TORCH_SCRIPT, ...[B, T, n, o, a, s, H, reps, threads].map(String)], {
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as Omit<TorchRun, 'ms'> & { medianMs: number };
  return {
    ms: out.medianMs,
    threads: out.threads,
    gemmGflops: out.gemmGflops,
    coresBusy: out.coresBusy,
    gemmCoresBusy: out.gemmCoresBusy,
    torch: out.torch,
    blas: out.blas,
    blasThreads: out.blasThreads,
  };
}

/** Medians over rounds of PyTorch runs at one thread count. */
/**
 * Medians over rounds of PyTorch runs at one thread count, with the wall-time ratio and the CPU-time
 * ratio (each side's time × cores busy: on a loaded machine the side that got less of a core shows
 * a longer wall time for the same work, and the CPU-time ratio corrects for that).
 */
function torchSummary(
  runs: TorchRun[],
  ourDenseMs: number,
  ourCoresBusy: number,
): Record<string, number | string | null> {
  const m = (k: 'ms' | 'gemmGflops' | 'coresBusy' | 'gemmCoresBusy') => median(runs.map((r) => r[k]));
  const last = runs.at(-1) as TorchRun;
  return {
    ms: m('ms'),
    ratio: ourDenseMs / m('ms'),
    cpuTimeRatio: (ourDenseMs * ourCoresBusy) / median(runs.map((r) => r.ms * r.coresBusy)),
    gemmGflops: m('gemmGflops'),
    coresBusy: m('coresBusy'),
    gemmCoresBusy: m('gemmCoresBusy'),
    threads: last.threads,
    blasThreads: last.blasThreads,
  };
}

/**
 * The `arrays2` row: `compute: arrays` dense on two update threads, its speed-up over one thread,
 * 2 vs 2 against PyTorch, and the weights sent to the worker per update (1 warm-up + rounds × 2
 * updates; each sends the online agent's weights, the first also the target's).
 */
function arrays2Row(
  run: { times: number[]; busy: number[] },
  oneThreadMs: number,
  torch2: TorchRun[] | null,
  traffic: WeightTraffic | null,
): Record<string, number | null> {
  const ms = median(run.times);
  const vs = torch2 ? torchSummary(torch2, ms, median(run.busy)) : null;
  const updates = 1 + 2 * run.times.length;
  return {
    denseMs: ms,
    coresBusy: median(run.busy),
    speedupOverOneThread: oneThreadMs / ms,
    ratioVsTorch2: vs ? (vs.ratio as number) : null,
    cpuTimeRatioVsTorch2: vs ? (vs.cpuTimeRatio as number) : null,
    torch2Ms: vs ? (vs.ms as number) : null,
    weightSendsPerUpdate: traffic ? traffic.sends / updates : null,
    weightKbPerUpdate: traffic ? traffic.bytes / updates / 1024 : null,
    weightMsPerUpdate: traffic ? traffic.ms / updates : null,
  };
}

/** GFLOP of one update, counted as the FLOP meter does (4 forward passes' worth, dense). */
function updateGflop(info: EnvInfo): number {
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = info;
  const agent = (o + a + n) * H + 6 * H * H + H * a;
  const mixer = 2 * s * 64 + 64 * 32 * n + 64 * 32 + 2 * s * 32 + 32;
  return (4 * 2 * (B * (T + 1) * n * agent + B * T * mixer)) / 1e9;
}

/**
 * FP32 FLOP per cycle of one core: 64 with AVX-512 (two 16-wide FMA pipes, as on this machine's
 * EPYC), else 32 (two 8-wide AVX2 FMA pipes); and 16 for WebAssembly's 128-bit SIMD, which has no
 * FMA (two 4-wide multiplies plus two 4-wide adds a cycle at best).
 */
function flopsPerCycle(avx512: boolean): { hardware: number; wasmSimd: number } {
  return { hardware: avx512 ? 64 : 32, wasmSimd: 16 };
}

/**
 * Run the bench; returns the JSON summary. PyTorch runs at 1 thread (1 vs 1) and, on a machine with
 * two or more cores, at 2 (2 vs 2 once ours can use two threads; for reference until then).
 */
export async function trainStepBench(rounds = 3): Promise<Record<string, unknown>> {
  const machine = machineInfo();
  await initBackend('wasm');
  const torch = torchAvailable();
  const torchThreads = machine.cores >= 2 ? [1, 2] : [1];
  const rows: Array<Record<string, unknown>> = [];
  let torchMeta: Pick<TorchRun, 'torch' | 'blas'> | null = null;
  for (const { name, info } of SHAPES) {
    const runs = (
      [
        [1, 'kernels'],
        [0.1, 'kernels'],
        [0.05, 'kernels'],
        [1, 'tfjs'],
        [1, 'arrays'],
        [0.1, 'arrays'],
        [0.05, 'arrays'],
        [FLOOR_DENSITY, 'arrays'],
        ...(machine.cores >= 2 ? ([[1, 'arrays', 2]] as const) : []),
      ] as ReadonlyArray<readonly [number, ComputeMode, (1 | 2)?]>
    ).map(([d, compute, threads]) => ({
      density: d,
      bench: ourUpdate(info, d, compute, threads ?? 1),
      times: [] as number[],
      busy: [] as number[],
    }));
    const torchRuns = new Map<number, TorchRun[]>(torchThreads.map((t) => [t, []]));
    for (let r = 0; r < rounds; r++) {
      for (const run of runs) {
        const busy = coresBusyMeter();
        run.times.push(run.bench.time(2));
        run.busy.push(busy());
      }
      if (torch) for (const t of torchThreads) torchRuns.get(t)!.push(torchUpdate(info, 2, t));
    }
    const twoThreads = runs[8] ?? null; // compute arrays dense on two update threads (2 cores or more)
    const traffic = twoThreads?.bench.traffic() ?? null; // read before dispose
    for (const run of runs) run.bench.dispose();
    const dense = median(runs[0]!.times);
    // wall-time ratio over FLOP ratio at each density (1 = time shrinks exactly with the FLOPs; issue 29's target ≤ 1.5)
    const [flop01, flop005] = [runs[1]!.bench.flopRatio, runs[2]!.bench.flopRatio];
    const gflop = updateGflop(info);
    const ourBusy = median(runs[0]!.busy);
    const vsTorch = torch
      ? Object.fromEntries(torchThreads.map((t) => [String(t), torchSummary(torchRuns.get(t)!, dense, ourBusy)]))
      : null;
    // compute: arrays (the tfjs-free update) beside the kernels path, with its own ratios
    const arraysDense = median(runs[4]!.times);
    const [arrays01, arrays005] = [median(runs[5]!.times), median(runs[6]!.times)];
    const arraysVsTorch = torch ? torchSummary(torchRuns.get(1)!, arraysDense, median(runs[4]!.busy)) : null;
    const floor = floorRow(median(runs[7]!.times), arraysDense, runs[7]!.bench.flopRatio, [
      runs[5]!.bench.flopRatio,
      runs[6]!.bench.flopRatio,
    ]);
    if (torch) torchMeta = torchRuns.get(1)!.at(-1)!;
    rows.push({
      shape: name,
      denseMs: dense,
      density01Ms: median(runs[1]!.times),
      density005Ms: median(runs[2]!.times),
      tfjsDenseMs: median(runs[3]!.times),
      ourThreads: OUR_THREADS,
      ourCoresBusy: ourBusy,
      torchMs: vsTorch ? vsTorch['1']!.ms : null,
      ratioVsTorch: vsTorch ? vsTorch['1']!.ratio : null,
      torchGemmGflops: vsTorch ? vsTorch['1']!.gemmGflops : null,
      vsTorch,
      sparseSpeedup: dense / median(runs[1]!.times),
      flopRatio01: flop01,
      flopRatio005: flop005,
      wallPerFlop01: median(runs[1]!.times) / dense / flop01,
      wallPerFlop005: median(runs[2]!.times) / dense / flop005,
      gflop,
      achievedGflops: gflop / (dense / 1000),
      kernelsVsTfjs: median(runs[3]!.times) / dense,
      arrays: {
        denseMs: arraysDense,
        density01Ms: arrays01,
        density005Ms: arrays005,
        coresBusy: median(runs[4]!.busy),
        vsKernelsDense: arraysDense / dense,
        vsKernels01: arrays01 / median(runs[1]!.times),
        vsKernels005: arrays005 / median(runs[2]!.times),
        ratioVsTorch: arraysVsTorch ? arraysVsTorch.ratio : null,
        cpuTimeRatioVsTorch: arraysVsTorch ? arraysVsTorch.cpuTimeRatio : null,
        wallPerFlop01: arrays01 / arraysDense / runs[5]!.bench.flopRatio,
        wallPerFlop005: arrays005 / arraysDense / runs[6]!.bench.flopRatio,
        achievedGflops: gflop / (arraysDense / 1000),
        floor,
      },
      arrays2: twoThreads ? arrays2Row(twoThreads, arraysDense, torch ? torchRuns.get(2)! : null, traffic) : null,
    });
  }
  const first = rows[0]!;
  const mhz = machine.mhz;
  const perCycle = flopsPerCycle(machine.avx512);
  const peak = mhz
    ? {
        clockMhz: mhz,
        hardwarePeakGflops: (mhz * perCycle.hardware) / 1000,
        wasmSimdPeakGflops: (mhz * perCycle.wasmSimd) / 1000,
      }
    : null;
  for (const r of rows) {
    r.flopLimitRatio = peak ? (r.achievedGflops as number) / peak.hardwarePeakGflops : null;
    r.wasmSimdLimitRatio = peak ? (r.achievedGflops as number) / peak.wasmSimdPeakGflops : null;
  }
  return {
    machine,
    loadAvgEnd: machineInfo().loadAvg,
    torchVersion: torchMeta?.torch ?? null,
    torchBlas: torchMeta?.blas ?? null,
    ourThreads: OUR_THREADS,
    torchThreads: torch ? torchThreads : [],
    peak,
    flopLimitRatio: first.flopLimitRatio,
    rows,
    ratioVsTorch: first.ratioVsTorch,
    sparseSpeedup: first.sparseSpeedup,
    torch,
    batch: `${B} episodes × ${T} steps, hidden ${H}`,
  };
}

/**
 * The density of the "floor" run: so few weights that the update's products cost next to nothing, so
 * its time is the work that does not shrink with density (GRU gates and state over every lane and
 * step, mixing, targets, loss, copies, calls).
 */
const FLOOR_DENSITY = 0.002;

/**
 * The floor of the array update and what it implies for issue 29's wall/FLOP target: if everything
 * but the floor shrank exactly with the FLOPs, an update at FLOP ratio f would take
 * floor + (dense − floor)·f, so its wall/FLOP ratio could not go below floorShare / f + 1 − floorShare.
 */
function floorRow(
  floorMs: number,
  denseMs: number,
  floorFlopRatio: number,
  [flop01, flop005]: [number, number],
): { ms: number; share: number; flopRatio: number; bound01: number; bound005: number } {
  const share = floorMs / denseMs;
  return {
    ms: floorMs,
    share,
    flopRatio: floorFlopRatio,
    bound01: share / flop01 + 1 - share,
    bound005: share / flop005 + 1 - share,
  };
}

/** Below this a BLAS is not an optimised one (OpenBLAS/MKL reach 50–150 GFLOP/s on one modern core). */
const SLOW_BLAS_GFLOPS = 20;

/**
 * The summary as text: the machine header, then per shape our times and, per thread count, the ratio
 * against PyTorch with the threads each side used, the cores each kept busy, PyTorch's GEMM rate at
 * that count and ours, and a short machine tag (so a copied line still says where it came from).
 */
export function formatTrainStep(summary: Record<string, unknown>): string[] {
  const m = summary.machine as MachineInfo;
  const f = (v: unknown, d = 1): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—');
  const torchName = summary.torchVersion ? `PyTorch ${summary.torchVersion as string}` : 'PyTorch (not installed)';
  const tag = `[${m.cpu.split(' (')[0]}, ${m.cores} CPUs, Node ${m.node}, ${torchName}]`;
  const lines = [
    `${formatMachine(m)} (at the end: ${(summary.loadAvgEnd as number[]).join(' ')})`,
    `${torchName}, BLAS: ${(summary.torchBlas as string | null) ?? 'not OpenBLAS (reference or other)'}; ours: ${OUR_THREADS} thread but the "2 update threads" lines. "busy" = CPU time / wall time of the process while timing (ours includes V8's GC threads); "CPU time" = the ratio of time × busy`,
  ];
  for (const r of summary.rows as Array<Record<string, unknown>>) {
    lines.push(
      `${r.shape as string}: ours dense ${f(r.denseMs)} ms (${f(r.achievedGflops, 1)} GFLOP/s of ${f(r.gflop, 2)} GFLOP = ${f(100 * (r.flopLimitRatio as number), 1)}% of one core's peak, ${f(100 * (r.wasmSimdLimitRatio as number), 1)}% of the wasm-SIMD ceiling; ${OUR_THREADS} thread, ${f(r.ourCoresBusy, 2)} cores busy) | 0.1 ${f(r.density01Ms)} ms | 0.05 ${f(r.density005Ms)} ms | tfjs dense ${f(r.tfjsDenseMs)} ms | dense/0.1 ${f(r.sparseSpeedup, 2)} | wall/FLOP ratio at 0.1 ${f(r.wallPerFlop01, 2)} (FLOPs ×${f(r.flopRatio01, 3)}), at 0.05 ${f(r.wallPerFlop005, 2)} (×${f(r.flopRatio005, 3)})`,
    );
    const ar = r.arrays as Record<string, number | null>;
    const fl = (r.arrays as { floor: ReturnType<typeof floorRow> }).floor;
    lines.push(
      `  compute arrays: dense ${f(ar.denseMs)} ms (${f(ar.achievedGflops, 1)} GFLOP/s, ${f(ar.coresBusy, 2)} cores busy) | 0.1 ${f(ar.density01Ms)} ms | 0.05 ${f(ar.density005Ms)} ms | arrays/kernels dense ${f(ar.vsKernelsDense, 2)}, 0.1 ${f(ar.vsKernels01, 2)}, 0.05 ${f(ar.vsKernels005, 2)} | wall/FLOP ratio at 0.1 ${f(ar.wallPerFlop01, 2)}, at 0.05 ${f(ar.wallPerFlop005, 2)} | 1 vs 1: arrays/torch ${f(ar.ratioVsTorch, 2)} (CPU time ${f(ar.cpuTimeRatioVsTorch, 2)})`,
      `  compute arrays, the floor (density ${FLOOR_DENSITY}, FLOPs ×${f(fl.flopRatio, 4)}): ${f(fl.ms)} ms = ${f(100 * fl.share, 0)}% of dense | so wall/FLOP cannot go below ${f(fl.bound01, 2)} at 0.1 and ${f(fl.bound005, 2)} at 0.05 while the floor stays`,
    );
    const a2 = r.arrays2 as Record<string, number | null> | null;
    if (a2)
      lines.push(
        `  compute arrays, 2 update threads: dense ${f(a2.denseMs)} ms (${f(a2.coresBusy, 2)} cores busy) | ×${f(a2.speedupOverOneThread, 2)} over 1 thread | 2 vs 2: arrays/torch ${f(a2.ratioVsTorch2, 2)} (CPU time ${f(a2.cpuTimeRatioVsTorch2, 2)}), PyTorch ${f(a2.torch2Ms)} ms on 2 threads | weights to the worker ${f(a2.weightKbPerUpdate, 0)} KB, ${f(a2.weightMsPerUpdate, 2)} ms per update (main thread) ${tag}`,
      );
    const vs = r.vsTorch as Record<string, Record<string, number | null>> | null;
    for (const [t, v] of Object.entries(vs ?? {})) {
      const equal = Number(t) === OUR_THREADS;
      const label = equal ? `${t} vs ${t}` : `kernels path: ${OUR_THREADS} thread vs PyTorch ${t} (reference)`;
      lines.push(
        `  ${label}: ours/torch ${f(v.ratio, 2)} (CPU time ${f(v.cpuTimeRatio, 2)}) | PyTorch ${f(v.ms)} ms on ${f(v.threads, 0)} thread(s), BLAS ${f(v.blasThreads, 0)}, ${f(v.coresBusy, 2)} busy; its GEMM 512² ${f(v.gemmGflops, 1)} GFLOP/s (${f(v.gemmCoresBusy, 2)} busy) vs ours ${f(r.achievedGflops, 1)} GFLOP/s ${tag}`,
      );
    }
  }
  const gemm = (summary.rows as Array<Record<string, unknown>>)
    .map((r) => r.torchGemmGflops)
    .filter((g): g is number => typeof g === 'number');
  if (gemm.length > 0 && Math.min(...gemm) < SLOW_BLAS_GFLOPS) {
    lines.push(
      `note: PyTorch's BLAS ran a 512×512 product at ${Math.min(...gemm).toFixed(1)} GFLOP/s on one thread, a reference (unoptimised) BLAS, so "ours/torch" flatters us; on Debian, \`apt-get install libopenblas0-pthread\` gives python3-torch OpenBLAS (see docs/benchmarks.md)`,
    );
  }
  return lines;
}
