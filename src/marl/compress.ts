/**
 * Compressing a trained run (`mast compress`): take a trained checkpoint's online networks (or, for
 * an agent brought in with `mast import`, its agent snapshot and a fresh mixer), prune every weight
 * matrix by magnitude to the requested global density (ERK or uniform split), then keep training with
 * MAST's topology evolution, targets and dual buffer so the sparse agent recovers. The new run's first
 * test row (t = 0) is the pruned agent before any recovery.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { DensityDistribution, TrainConfig } from '../config/types.js';
import { deriveConfig, parseConfig, resolveConfig } from '../config/validate.js';
import { readSnapshot } from '../snapshot/io.js';
import type { AgentSnapshot } from '../snapshot/types.js';
import { CheckpointError, ConfigError } from '../util/errors.js';
import { readMetrics } from './metrics.js';
import { runPaths } from './run-dir.js';

/** What to compress to. */
export interface CompressTarget {
  /** Global density of the compressed networks, in (0, 1). */
  density: number;
  /** Environment steps of recovery training. */
  steps: number;
  /** Per-layer split of the density (default: the source run's). */
  distribution?: DensityDistribution;
}

/**
 * The config of the recovery run: the source run's, in `mast` mode at the target density, with ε held
 * at its final value (the agent already knows the task; exploring from scratch would undo it).
 * @throws CheckpointError when `sourceDir` holds no finished run; ConfigError when it is already as sparse.
 */
export function compressConfig(sourceDir: string, target: CompressTarget): TrainConfig {
  const paths = runPaths(sourceDir);
  const trained = existsSync(paths.checkpoint) && existsSync(paths.config);
  if (!trained && !existsSync(paths.snapshot)) {
    throw new CheckpointError(`${sourceDir} holds neither a trained run (checkpoint.mast, config.json) nor an agent snapshot`, { hint: 'train one (mast train --out DIR) or import one (mast import agent.onnx --out DIR)' });
  }
  const source = trained ? parseConfig(JSON.parse(readFileSync(paths.config, 'utf8')), paths.config) : configForSnapshot(readSnapshot(paths.snapshot));
  if (source.sparsity.mode === 'tiny') throw new ConfigError(`${sourceDir} is a 'tiny' run; compress a full-width run instead`);
  if (target.density >= source.sparsity.density) {
    throw new ConfigError(`--density ${target.density} is not below the source run's density ${source.sparsity.density}`, { hint: 'choose a smaller density, e.g. 0.1' });
  }
  const finish = source.epsilon.finish;
  return deriveConfig(source, {
    steps: target.steps,
    sparsity: { mode: 'mast', density: target.density, distribution: target.distribution ?? source.sparsity.distribution, init: 'dense' },
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
  if (recorded && typeof recorded === 'object') return parseConfig(recorded, 'the snapshot\'s recorded config');
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

/** Return before pruning (the source's last test), right after pruning, and after recovery. */
export interface CompressionReport {
  source: TestPoint | null;
  pruned: TestPoint | null;
  recovered: TestPoint | null;
  density: number;
  trainFlopsRatio: number | null;
  inferenceFlopsRatio: number | null;
}

/** Read a compression's before/after figures from the source and the recovery run directories. */
export function compressionReport(sourceDir: string, outDir: string, density: number): CompressionReport {
  const point = (r: ReturnType<typeof readMetrics>[number] | undefined): TestPoint | null =>
    r ? { tEnv: r.tEnv, return: r.testReturn, winRate: r.testWinRate } : null;
  const src = readMetrics(runPaths(sourceDir).metrics);
  const out = readMetrics(runPaths(outDir).metrics);
  const last = out.at(-1);
  return {
    source: point(src.at(-1)),
    pruned: point(out[0]),
    recovered: point(last),
    density,
    trainFlopsRatio: last?.trainFlopsRatio ?? null,
    inferenceFlopsRatio: last?.inferenceFlopsRatio ?? null,
  };
}
