/**
 * `npm run bench -- train-e2e [--steps N] [--repeats R] [--schedule S,...] [--json]`: environment steps per second of a
 * whole training run (`train()`, the loop `mast train` runs: acting, replay, updates, topology, greedy
 * test phases and checkpoints on their default schedules) on smaclite/3m, dense and MAST at density
 * 0.1, under three schedules side by side in one run:
 *   - `episode`: one environment, one update per episode (pymarl's EpisodeRunner; the default);
 *   - `parallel`: 8 environments in lockstep, one update per round of 8 (pymarl's ParallelRunner,
 *     `runner: 'parallel'`, `envWorkers: 8`): an eighth of the updates for the same steps;
 *   - `parallel+thread`: the same with `actingThread`, the next round played in a worker thread while
 *     the main thread updates;
 *   - `episode+update-thread`: the `episode` schedule with `updateThreads: 2`, each update's agent
 *     unroll split over the main thread and a worker (another run within float rounding);
 * each on `compute: arrays` (the tfjs-free update, QMIX's default), and the `episode` schedule once
 * more on `compute: kernels` (the default until 2026-12-07); `vs episode` is against the `episode`
 * row on `arrays`. `--schedule a,b` runs only those schedules' cases.
 * Everything else is the default config (batch 32, hidden 64), so the schedules differ only in how
 * acting and updating alternate; each row prints its update-to-data ratio (updates per 1,000
 * environment steps), since `parallel` buys its speed by updating less often. Steps/s are counted
 * from the first update to the end (the warm-up before the buffer holds a batch is left out; the
 * whole run's rate is printed too), over `--steps` per run (default 12,000), with the runs rotated
 * through `--repeats` rounds (default 2) and the median kept, so swings in the machine's load reach
 * every row. Prints the CPU, cores, load average and the cores each run kept busy (process CPU time,
 * all threads, over wall time), and the whole run's steps per CPU-second: on a loaded machine, where a
 * run gets a fraction of a core, that is closer to what one free core gives than steps/s is (but it
 * cannot show an overlap gain, which needs a second free core).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type ComputeMode, type DeepPartial, type TrainConfig } from '../src/config/index.js';
import { train } from '../src/marl/training/train.js';
import { median } from '../src/util/stats.js';
import { coresBusyMeter, formatMachine, machineInfo, type MachineInfo } from './machine.js';

/** One configuration of the bench. */
interface Case {
  sparsity: 'dense' | 'mast 0.1';
  schedule: 'episode' | 'parallel' | 'parallel+thread' | 'episode+update-thread';
  compute: ComputeMode;
  overrides: DeepPartial<TrainConfig>;
}

const SPARSITY: Record<Case['sparsity'], DeepPartial<TrainConfig>> = {
  dense: {},
  'mast 0.1': { sparsity: { mode: 'mast', density: 0.1 } },
};
const SCHEDULES: Record<Case['schedule'], DeepPartial<TrainConfig>> = {
  episode: {},
  parallel: { envWorkers: 8, runner: 'parallel' },
  'parallel+thread': { envWorkers: 8, runner: 'parallel', actingThread: true },
  'episode+update-thread': { updateThreads: 2 },
};
/** Every sparsity × schedule on the default `compute: arrays`, and the episode schedule on `compute: kernels` too. */
const CASES: Case[] = (Object.keys(SPARSITY) as Case['sparsity'][]).flatMap((sparsity) =>
  (Object.keys(SCHEDULES) as Case['schedule'][]).flatMap((schedule) =>
    (schedule === 'episode' ? (['arrays', 'kernels'] as const) : (['arrays'] as const)).map((compute) => ({
      sparsity,
      schedule,
      compute,
      overrides: { ...SPARSITY[sparsity], ...SCHEDULES[schedule], compute },
    })),
  ),
);

/** One run's measurements. */
interface RunTiming {
  steadyStepsPerSec: number;
  wholeStepsPerSec: number;
  updatesPer1kSteps: number;
  coresBusy: number;
}

/** A row of the bench: medians over the repeats. */
export interface TrainE2eRow extends RunTiming {
  sparsity: Case['sparsity'];
  schedule: Case['schedule'];
  compute: ComputeMode;
  envWorkers: number;
  runs: number;
}

/** What the bench reports. */
export interface TrainE2eSummary {
  machine: MachineInfo;
  env: string;
  stepsPerRun: number;
  rows: TrainE2eRow[];
  /** Load average when the last run finished. */
  loadAfter: number[];
}

async function timeRun(c: Case, steps: number, seed: number): Promise<RunTiming> {
  const config = resolveConfig('default', { env: 'smaclite/3m', steps, seed }, c.overrides);
  const outDir = mkdtempSync(join(tmpdir(), 'mast-bench-e2e-'));
  let firstUpdate: { t: number; tEnv: number } | null = null;
  const busy = coresBusyMeter();
  const t0 = performance.now();
  try {
    const run = await train(config, {
      outDir,
      onEpisode: ({ tEnv, loss }) => {
        if (firstUpdate === null && loss !== null) firstUpdate = { t: performance.now(), tEnv };
      },
    });
    const t1 = performance.now();
    const from = (firstUpdate ?? { t: t0, tEnv: 0 }) as { t: number; tEnv: number };
    return {
      steadyStepsPerSec: ((run.counters.tEnv - from.tEnv) * 1000) / (t1 - from.t),
      wholeStepsPerSec: (run.counters.tEnv * 1000) / (t1 - t0),
      updatesPer1kSteps: (1000 * run.counters.updates) / run.counters.tEnv,
      coresBusy: busy(),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Run the bench; `log` gets a line per run as it finishes.
 * @param schedules only the cases of these schedules (all when empty)
 */
export async function trainE2eBench(
  steps = 12_000,
  repeats = 2,
  log: (line: string) => void = () => {},
  schedules: readonly string[] = [],
): Promise<TrainE2eSummary> {
  const machine = machineInfo();
  const cases = CASES.filter((c) => schedules.length === 0 || schedules.includes(c.schedule));
  const timings = cases.map(() => [] as RunTiming[]);
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length; // rotated, so no case always runs first or last
      const c = cases[i] as Case;
      const t = await timeRun(c, steps, 1);
      (timings[i] as RunTiming[]).push(t);
      log(
        `  round ${r + 1}: ${c.sparsity}, ${c.schedule}, compute ${c.compute}: ${t.steadyStepsPerSec.toFixed(0)} steps/s (whole run ${t.wholeStepsPerSec.toFixed(0)}), ${t.coresBusy.toFixed(2)} cores busy`,
      );
    }
  }
  const rows = cases.map((c, i): TrainE2eRow => {
    const ts = timings[i] as RunTiming[];
    const med = (f: (t: RunTiming) => number): number => median(ts.map(f));
    return {
      sparsity: c.sparsity,
      schedule: c.schedule,
      compute: c.compute,
      envWorkers: c.overrides.envWorkers ?? 1,
      runs: ts.length,
      steadyStepsPerSec: med((t) => t.steadyStepsPerSec),
      wholeStepsPerSec: med((t) => t.wholeStepsPerSec),
      updatesPer1kSteps: med((t) => t.updatesPer1kSteps),
      coresBusy: med((t) => t.coresBusy),
    };
  });
  return { machine, env: 'smaclite/3m', stepsPerRun: steps, rows, loadAfter: machineInfo().loadAvg };
}

/** The bench as printed lines: the machine, then one row per case with its ratio to the episode schedule. */
export function formatTrainE2e(s: TrainE2eSummary): string[] {
  const lines = [
    formatMachine(s.machine),
    `${s.env}, ${s.stepsPerRun.toLocaleString('en-US')} steps per run, medians of ${s.rows[0]?.runs ?? 0} runs; load average after: ${s.loadAfter.join(' ')}`,
    'sparsity  schedule              compute  envs  steps/s (from 1st update)  whole run  vs episode  updates/1k steps  cores busy  steps/CPU-s',
  ];
  for (const row of s.rows) {
    const base = s.rows.find((r) => r.sparsity === row.sparsity && r.schedule === 'episode' && r.compute === 'arrays'); // absent when --schedule leaves out the episode schedule
    lines.push(
      `${row.sparsity.padEnd(9)} ${row.schedule.padEnd(21)} ${row.compute.padEnd(7)} ${String(row.envWorkers).padStart(4)}  ${row.steadyStepsPerSec.toFixed(0).padStart(25)}  ${row.wholeStepsPerSec.toFixed(0).padStart(9)}  ${(base ? (row.steadyStepsPerSec / base.steadyStepsPerSec).toFixed(2) : '—').padStart(9)}×  ${row.updatesPer1kSteps.toFixed(1).padStart(16)}  ${row.coresBusy.toFixed(2).padStart(10)}  ${(row.wholeStepsPerSec / row.coresBusy).toFixed(0).padStart(11)}`,
    );
  }
  return lines;
}
