/**
 * `mast compress AGENT --data EPISODES`: offline compression — prune an agent by magnitude while
 * distilling its own Q-values over recorded episodes (no environment), then export it and report
 * action agreement and |ΔQ| on held-out episodes, the FLOPs per decision before and after, and
 * where the data and the source came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type DensityDistribution } from '../../src/config/index.js';
import { defaultPruneInterval, distillAgent, type DistillReport } from '../../src/marl/compress/distill.js';
import type { DistillLrSchedule } from '../../src/marl/compress/lr-schedule.js';
import { readEpisodesFile, type RecordedEpisodes } from '../../src/marl/compress/episodes-file.js';
import { openRunDir, runPaths } from '../../src/run/run-dir.js';
import { writeSnapshot } from '../../src/snapshot/io.js';
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { writeFileAtomic, writeJsonAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { CheckpointError, ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { createProgress } from '../../src/util/progress.js';
import { flopsPerDecision, readAgentSource, sha256, type AgentSource } from '../agent-source.js';
import type { CliIo } from '../io.js';
import { onInterrupt } from '../interrupt.js';

/** The options of an offline compression. */
export interface OfflineCompressOpts {
  out: string;
  data: string;
  density: number;
  updates: number;
  batchSize: number;
  lr: number;
  lrSchedule: DistillLrSchedule;
  heldOut: number;
  policyWeight: number;
  temperature: number;
  pruneEnd: number;
  distribution?: DensityDistribution;
  seed: number;
  backend: string;
  json?: boolean;
}

/** The report written to `compress-report.json` and printed with `--json`. */
export interface OfflineCompressReport {
  method: 'offline-distillation';
  out: string;
  model: string;
  source: { path: string; sha256: string; density: number };
  data: {
    path: string;
    sha256: string;
    env: string;
    episodes: number;
    steps: number;
    epsilon: number;
    recordedWith: { path: string; sha256: string } | null;
  };
  density: number;
  /** Whether `density` counts the mixer: offline compression has no mixer, so never. */
  densityCountsMixer: false;
  flopsPerDecision: { source: number; compressed: number; ratio: number };
  distill: DistillReport;
}

/** Run an offline compression from the command line. */
export async function compressOffline(io: CliIo, sourcePath: string, opts: OfflineCompressOpts): Promise<void> {
  const source = readAgentSource(sourcePath);
  const data = readEpisodesFile(opts.data);
  const arch = source.snapshot.architecture;
  const info = data.meta.info;
  if (arch.inputLayout.obs !== info.obsShape || arch.nActions !== info.nActions || arch.nAgents !== info.nAgents) {
    throw new ConfigError(
      `${opts.data} was recorded on ${data.meta.env} (obs ${info.obsShape}, ${info.nActions} actions, ${info.nAgents} agents), which does not fit the agent ${sourcePath} (obs ${arch.inputLayout.obs}, ${arch.nActions} actions, ${arch.nAgents} agents)`,
      {
        hint: `record episodes with this agent: mast record ${sourcePath} --out FILE`,
      },
    );
  }
  const sourceDensity = source.snapshot.metadata.density;
  if (opts.density >= sourceDensity)
    throw new ConfigError(`--density ${opts.density} is not below the agent's density ${sourceDensity}`, {
      hint: 'choose a smaller density, e.g. 0.1',
    });
  if (existsSync(runPaths(opts.out).snapshot))
    throw new CheckpointError(`${opts.out} already holds an agent`, {
      hint: 'choose another --out directory (nothing was written)',
    });
  const lock = openRunDir(opts.out); // made, locked and cleared of interrupted writes, as training's
  io.consoleLog?.open(opts.out, 'new run: offline compression');
  const interrupt = onInterrupt(); // stop at the next update: exit 130 (cli/main.ts), the lock released, nothing half-written
  try {
    await distilInto(io, source, data, opts, interrupt.signal);
  } catch (err) {
    io.consoleLog?.write(`error: ${err instanceof Error ? err.message : String(err)}`); // cli/main.ts prints it
    throw err;
  } finally {
    interrupt.dispose();
    lock.release();
  }
}

/** Distil, write the run directory and the model, report. */
async function distilInto(
  io: CliIo,
  source: AgentSource,
  data: RecordedEpisodes,
  opts: OfflineCompressOpts,
  signal: AbortSignal,
): Promise<void> {
  const info = data.meta.info;
  const sourceDensity = source.snapshot.metadata.density;

  const progress = createProgress({
    total: opts.updates,
    label: `distil to density ${opts.density}`,
    stream: io.progressStream,
  });
  const { student, report } = await distillAgent(source.snapshot, data.episodes, info, {
    density: opts.density,
    distribution: opts.distribution ?? 'erk',
    updates: opts.updates,
    batchSize: opts.batchSize,
    pruneEnd: opts.pruneEnd,
    pruneInterval: defaultPruneInterval(opts.updates, opts.pruneEnd),
    heldOut: opts.heldOut,
    policyWeight: opts.policyWeight,
    temperature: opts.temperature,
    optimizer: { ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: opts.lr },
    lrSchedule: opts.lrSchedule,
    seed: opts.seed,
    backend: opts.backend,
    signal,
    onProgress: (p) => progress.update(p.update, { loss: p.loss.toExponential(2), density: p.density.toFixed(3) }),
  });
  progress.done(`${opts.updates} updates`);

  const steps = data.episodes.reduce((sum, e) => sum + e.length, 0);
  const recorded = {
    path: opts.data,
    sha256: sha256(readFileSync(opts.data)),
    env: data.meta.env,
    episodes: data.episodes.length,
    steps,
    epsilon: data.meta.epsilon,
  };
  student.metadata.provenance = {
    method: 'offline-distillation',
    source: { path: source.path, sha256: source.sha256, density: sourceDensity, return: null },
    data: recorded,
    steps: opts.updates,
  };
  // --- write the run directory (agent.snapshot: mast export / eval --against work on it) and the model
  writeSnapshot(runPaths(opts.out).snapshot, student);
  const model = join(opts.out, 'agent.onnx');
  const exported = exportAgent(student, { format: 'sparse' });
  writeFileAtomic(model, encodeModel(exported));
  const result: OfflineCompressReport = {
    method: 'offline-distillation',
    out: opts.out,
    model,
    source: { path: source.path, sha256: source.sha256, density: sourceDensity },
    data: { ...recorded, recordedWith: data.meta.agent },
    density: report.density,
    densityCountsMixer: false,
    flopsPerDecision: flopsPerDecision(source.snapshot, student),
    distill: report,
  };
  writeJsonAtomic(join(opts.out, 'compress-report.json'), result);
  if (opts.json) return io.out(JSON.stringify(result));
  printReport(io, result, student);
}

function printReport(io: CliIo, r: OfflineCompressReport, student: AgentSnapshot): void {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const agree = (name: string, a: DistillReport['train'] | null): void => {
    if (a)
      io.out(
        `  ${name}: ${pct(a.actionAgreement)} of ${a.decisions} decisions agree with the source over ${a.episodes} episodes; |ΔQ| max ${a.maxAbsQDiff.toExponential(2)}, mean ${a.meanAbsQDiff.toExponential(2)}`,
      );
  };
  io.out(
    `source ${r.source.path} (density ${r.source.density}) → ${r.model} (density ${r.density.toFixed(3)} of the agent's weight matrices; offline compression has no mixer)`,
  );
  io.out(
    `  distilled over ${r.data.episodes} recorded episodes of ${r.data.env} (${r.data.steps} steps, ε = ${r.data.epsilon}): ${r.distill.updates} updates`,
  );
  agree('held-out', r.distill.heldOut);
  agree('training episodes', r.distill.train);
  io.out(
    `  FLOPs per agent decision: ${r.flopsPerDecision.source} → ${r.flopsPerDecision.compressed} (×${r.flopsPerDecision.ratio.toFixed(3)})`,
  );
  io.out(`  hidden ${student.architecture.hidden}; evaluate the return with: mast eval ${r.model}`);
}
