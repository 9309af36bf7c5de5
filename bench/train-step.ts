/**
 * `npm run bench -- train-step [--json]`: one learner update (agents + QMIX mixer + targets +
 * backward + Adam) for 3m-, 2s3z- and 3s5z-sized inputs (32 episodes × 60 steps, hidden 64), at
 * densities 1, 0.1 and 0.05 with `compute: kernels` (the default: the agents and the sparse mixer
 * layers on the WebAssembly kernels), at density 1 with `compute: tfjs` (the reference path), and — when Debian's python3-torch is installed — the same update in
 * PyTorch 1.13 in the same run (one thread, like tfjs-wasm). Rounds alternate ours and PyTorch's so
 * machine-load swings hit both; the ratios are medians over rounds. With `--json` the last line is one
 * JSON object with `ratioVsTorch` (ours dense / PyTorch, 3m-sized), `sparseSpeedup` (ours dense /
 * ours at density 0.1, 3m-sized) and `flopLimitRatio` (achieved FLOP/s of our dense update over one
 * core's FP32 peak at its clock; per row also over WebAssembly SIMD's ceiling).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/index.js';
import type { ComputeMode } from '../src/config/types.js';
import { initBackend } from '../src/marl/backend.js';
import { QLearner } from '../src/marl/learner.js';
import { initMasks } from '../src/marl/masks.js';
import { agentArchitecture } from '../src/marl/setup.js';
import { makeBatch, type Episode } from '../src/marl/episode.js';
import type { EnvInfo } from '../src/envs/types.js';
import { Rng } from '../src/util/rng.js';
import { median } from '../src/util/stats.js';

const B = 32;
const T = 60;
const H = 64;
export const SHAPES: Array<{ name: string; info: EnvInfo }> = [
  { name: '3m', info: { nAgents: 3, nActions: 9, obsShape: 30, stateShape: 48, episodeLimit: T, reportsWins: true } },
  { name: '2s3z', info: { nAgents: 5, nActions: 11, obsShape: 80, stateShape: 120, episodeLimit: T, reportsWins: true } },
  { name: '3s5z', info: { nAgents: 8, nActions: 14, obsShape: 128, stateShape: 216, episodeLimit: T, reportsWins: true } },
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

/** A learner for `info` at `density` and a function timing `reps` updates (median ms). */
export function ourUpdate(info: EnvInfo, density: number, compute: ComputeMode = 'kernels'): { time: (reps: number) => number; dispose: () => void } {
  const config = resolveConfig('default', { compute, ...(density < 1 ? { sparsity: { mode: 'static', density } } : {}) });
  const rng = new Rng(1);
  const learner = new QLearner(config, agentArchitecture(info, config.agent), { nAgents: info.nAgents, stateShape: info.stateShape }, rng);
  initMasks(learner.stores(), config.sparsity, rng);
  learner.updateTargets(); // the target networks carry the masks, as in a run
  const batch = makeBatch(Array.from({ length: B }, () => episode(info, rng)), info);
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
  };
}

function torchAvailable(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** PyTorch's median update time, and the GFLOP/s of its BLAS on a 512×512 product (which BLAS it resolved). */
function torchUpdate(info: EnvInfo, reps: number): { ms: number; gemmGflops: number } {
  const { nAgents: n, obsShape: o, nActions: a, stateShape: s } = info;
  const r = spawnSync(PYTHON, [TORCH_SCRIPT, ...[B, T, n, o, a, s, H, reps, 1].map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as { medianMs: number; gemmGflops: number };
  return { ms: out.medianMs, gemmGflops: out.gemmGflops };
}

/** GFLOP of one update, counted as the FLOP meter does (4 forward passes' worth, dense). */
function updateGflop(info: EnvInfo): number {
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = info;
  const agent = (o + a + n) * H + 6 * H * H + H * a;
  const mixer = 2 * s * 64 + 64 * 32 * n + 64 * 32 + 2 * s * 32 + 32;
  return (4 * 2 * (B * (T + 1) * n * agent + B * T * mixer)) / 1e9;
}

/** This core's clock in MHz (Linux /proc/cpuinfo; os.cpus() reads 0 in some VMs), or null. */
function clockMhz(): number | null {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return cpus()[0]?.speed || null;
}

/**
 * FP32 FLOP per cycle of one core: 64 with AVX-512 (two 16-wide FMA pipes, as on this machine's
 * EPYC), else 32 (two 8-wide AVX2 FMA pipes); and 16 for WebAssembly's 128-bit SIMD, which has no
 * FMA (two 4-wide multiplies plus two 4-wide adds a cycle at best).
 */
function flopsPerCycle(): { hardware: number; wasmSimd: number } {
  let avx512 = false;
  try {
    avx512 = /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    // unknown: assume AVX2
  }
  return { hardware: avx512 ? 64 : 32, wasmSimd: 16 };
}

/** Run the bench; returns the JSON summary. */
export async function trainStepBench(rounds = 3): Promise<Record<string, unknown>> {
  await initBackend('wasm');
  const torch = torchAvailable();
  const rows: Array<Record<string, number | string | null>> = [];
  for (const { name, info } of SHAPES) {
    const runs = ([[1, 'kernels'], [0.1, 'kernels'], [0.05, 'kernels'], [1, 'tfjs']] as const).map(([d, compute]) => ({ density: d, bench: ourUpdate(info, d, compute), times: [] as number[] }));
    const torchTimes: number[] = [];
    const torchGemm: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const run of runs) run.times.push(run.bench.time(2));
      if (torch) {
        const t = torchUpdate(info, 2);
        torchTimes.push(t.ms);
        torchGemm.push(t.gemmGflops);
      }
    }
    for (const run of runs) run.bench.dispose();
    const dense = median(runs[0]!.times);
    const gflop = updateGflop(info);
    rows.push({
      shape: name,
      denseMs: dense,
      density01Ms: median(runs[1]!.times),
      density005Ms: median(runs[2]!.times),
      tfjsDenseMs: median(runs[3]!.times),
      torchMs: torch ? median(torchTimes) : null,
      ratioVsTorch: torch ? dense / median(torchTimes) : null,
      torchGemmGflops: torch ? median(torchGemm) : null,
      sparseSpeedup: dense / median(runs[1]!.times),
      gflop,
      achievedGflops: gflop / (dense / 1000),
      kernelsVsTfjs: median(runs[3]!.times) / dense,
    });
  }
  const first = rows[0]!;
  const mhz = clockMhz();
  const perCycle = flopsPerCycle();
  const peak = mhz ? { clockMhz: mhz, hardwarePeakGflops: (mhz * perCycle.hardware) / 1000, wasmSimdPeakGflops: (mhz * perCycle.wasmSimd) / 1000 } : null;
  for (const r of rows) {
    r.flopLimitRatio = peak ? (r.achievedGflops as number) / peak.hardwarePeakGflops : null;
    r.wasmSimdLimitRatio = peak ? (r.achievedGflops as number) / peak.wasmSimdPeakGflops : null;
  }
  return {
    peak,
    flopLimitRatio: first.flopLimitRatio, rows, ratioVsTorch: first.ratioVsTorch, sparseSpeedup: first.sparseSpeedup, torch, batch: `${B} episodes × ${T} steps, hidden ${H}` };
}
