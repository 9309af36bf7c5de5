/**
 * Compressing a trained run (`mast compress`): go on from a trained checkpoint (its networks,
 * optimizer state, replay and reward statistics; for an agent brought in with `mast import`, its
 * agent snapshot and a fresh mixer) in `mast` mode, pruning every weight matrix by magnitude to the
 * requested global density (ERK or uniform split), gradually over the first half of the steps or at
 * once, while MAST's topology evolution and targets let the sparse agent recover.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { DensityDistribution, PruningSchedule, TrainConfig } from '../../config/types.js';
import { deriveConfig, parseConfig, resolveConfig } from '../../config/validate.js';
import { readSnapshot } from '../../snapshot/io.js';
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { SPARSITY_MODE_KINDS } from '../../config/learners.js';
import { CheckpointError, ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { readMetrics } from '../training/metrics.js';
import { runPaths } from '../../run/run-dir.js';

/** What to compress to. */
export interface CompressTarget {
  /** Global density of the compressed networks, in (0, 1). */
  density: number;
  /** Environment steps of recovery training. */
  steps: number;
  /** Per-layer split of the density (default: the source run's). */
  distribution?: DensityDistribution;
  /** `gradual` (default): prune on Zhu & Gupta's schedule over the first `pruneEnd` of the steps; `oneshot`: all at step 0. */
  schedule?: PruningSchedule;
  /** Where gradual pruning reaches the density, as a fraction of the steps (default 0.5; 1 ends the run right there). */
  pruneEnd?: number;
  /** See {@link COMPRESS_TARGETS} (default `mast`). */
  targets?: CompressTargets;
}

/**
 * The TD targets of the recovery: `mast` switches to MAST's (Soft Mellowmax, hybrid TD(λ), dual
 * buffer); `source` keeps the source run's operator, returns and replay mix (compared in
 * docs/results.md, "Compressing trained agents").
 */
export const COMPRESS_TARGETS = ['source', 'mast'] as const;
/** One of {@link COMPRESS_TARGETS}. */
export type CompressTargets = (typeof COMPRESS_TARGETS)[number];

/**
 * The config of the recovery run: the source run's, in `mast` mode (gradient-grow topology
 * evolution) at the target density, pruned gradually over the first `pruneEnd` of the steps unless
 * `schedule` is `oneshot`, with MAST's TD targets unless `targets` is `source`, and ε held at
 * its final value (the agent already knows the task; exploring from scratch would undo it).
 * @throws CheckpointError when `sourceDir` holds no finished run; ConfigError when it is already as sparse.
 */
export function compressConfig(sourceDir: string, target: CompressTarget): TrainConfig {
  const paths = runPaths(sourceDir);
  const trained = existsSync(paths.checkpoint) && existsSync(paths.config);
  if (!trained && !existsSync(paths.snapshot)) {
    throw new CheckpointError(
      `${sourceDir} holds neither a trained run (checkpoint.mast, config.json) nor an agent snapshot`,
      { hint: 'train one (mast train --out DIR) or import one (mast import agent.onnx --out DIR)' },
    );
  }
  const source = trained
    ? parseConfig(JSON.parse(readFileSync(paths.config, 'utf8')), paths.config)
    : configForSnapshot(readSnapshot(paths.snapshot));
  if (SPARSITY_MODE_KINDS[source.sparsity.mode].shrinksWidths)
    throw new ConfigError(`${sourceDir} is a '${source.sparsity.mode}' run; compress a full-width run instead`);
  if (target.density >= source.sparsity.density) {
    throw new ConfigError(
      `--density ${target.density} is not below the source run's density ${source.sparsity.density}`,
      { hint: 'choose a smaller density, e.g. 0.1' },
    );
  }
  const finish = source.epsilon.finish;
  return deriveConfig(source, {
    steps: target.steps,
    sparsity: {
      mode: 'mast',
      density: target.density,
      distribution: target.distribution ?? source.sparsity.distribution,
      init: 'dense',
    },
    pruning: {
      ...source.pruning,
      schedule: target.schedule ?? 'gradual',
      endFraction: target.pruneEnd ?? 0.5,
      startDensity: source.sparsity.density,
    },
    ...(target.targets === 'source' ? { targets: source.targets, recentBuffer: source.recentBuffer } : {}),
    epsilon: { start: finish, finish, annealSteps: 1 },
  });
}

/**
 * A training config for an agent that arrived without one (`mast import`): the recorded config of a
 * toolkit export, else pymarl's defaults on the snapshot's environment with its hidden size and
 * input layout. The mixer is then trained from scratch alongside the pruned agent.
 */
export function configForSnapshot(snap: AgentSnapshot): TrainConfig {
  const recorded = snap.metadata.config;
  if (recorded && typeof recorded === 'object') return parseConfig(recorded, "the snapshot's recorded config");
  const { inputLayout, hidden } = snap.architecture;
  return resolveConfig('default', {
    env: snap.metadata.env,
    agent: { hidden, lastActionInput: inputLayout.lastAction > 0, agentIdInput: inputLayout.agentId > 0 },
    ...(snap.metadata.density < 1 ? { sparsity: { mode: 'static', density: snap.metadata.density } } : {}),
  });
}

/** Greedy test figures at one point of a run. */
export interface TestPoint {
  tEnv: number;
  return: number;
  winRate: number | null;
}

/** Return before pruning (the source's last test), once pruned to the density, and after recovery. */
export interface CompressionReport {
  source: TestPoint | null;
  /** The first test at the final density: at step 0 for one-shot pruning, at T_p for gradual pruning. */
  pruned: TestPoint | null;
  recovered: TestPoint | null;
  density: number;
  trainFlopsRatio: number | null;
  inferenceFlopsRatio: number | null;
}

/**
 * Read a compression's before/after figures from the source and the recovery run directories (the
 * source's last test; for an imported agent, which has none, the compression's own test at step 0
 * when pruning is gradual, since nothing is pruned yet there).
 */
export function compressionReport(sourceDir: string, outDir: string, density: number): CompressionReport {
  const point = (r: ReturnType<typeof readMetrics>[number] | undefined): TestPoint | null =>
    r ? { tEnv: r.tEnv, return: r.testReturn, winRate: r.testWinRate } : null;
  const src = readMetrics(runPaths(sourceDir).metrics);
  const out = readMetrics(runPaths(outDir).metrics);
  const config = parseConfig(JSON.parse(readFileSync(runPaths(outDir).config, 'utf8')), runPaths(outDir).config);
  const prunedAt = config.pruning.schedule === 'gradual' ? config.pruning.endFraction * config.steps : 0;
  const last = out.at(-1);
  return {
    // an imported agent has no tests of its own: under gradual pruning, the first test of the
    // compression (step 0, the masks still at the source's density) is the source's return
    source: point(src.at(-1) ?? (config.pruning.schedule === 'gradual' && out[0]?.tEnv === 0 ? out[0] : undefined)),
    pruned: point(out.find((r) => r.tEnv >= prunedAt)),
    recovered: point(last),
    density,
    trainFlopsRatio: last?.trainFlopsRatio ?? null,
    inferenceFlopsRatio: last?.inferenceFlopsRatio ?? null,
  };
}
