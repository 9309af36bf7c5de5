/**
 * `mast eval`: run an exported `.onnx` agent with ONNX Runtime in its environment and report its
 * return, its FLOPs per decision (sparse vs the same network dense) and, given the training run it
 * came from, its parity with the tfjs agent.
 */
import { statSync } from 'node:fs';
import { makeEnv, prepareEnv, type EnvOptions } from '../envs/registry.js';
import { Rng } from '../util/rng.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { readAgentMetadata, type AgentModelMetadata } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import type { MultiAgentEnv } from '../envs/types.js';
import { inspectModel } from '@mast-toolkit/runtime/internal/onnx/inspect';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import type { EngineChoice, EngineName } from '@mast-toolkit/runtime/internal/runtime/engine-types';
import { agentFlops, type FlopCount } from '../onnx/flops.js';
import { onnxEpisode, type OnnxEpisode } from './rollout.js';
import type { ParityReport } from './parity.js';
import { meanStd } from '../util/stats.js';

/** What to evaluate. */
export interface EvalOptions {
  /** Environment id; defaults to the one recorded in the model's metadata. */
  env?: string;
  /** Greedy episodes to play (≥ 1). */
  episodes: number;
  /** Seed of the episode seeds. */
  seed: number;
  /** A training run directory whose tfjs agent the model is compared against. */
  against?: string;
  /** tfjs backend for the parity check. */
  backend?: string;
  /** Engine running the model: `ort` (default), `sparse`, or `auto` (the faster, timed at load). */
  engine?: EngineChoice;
  /**
   * Arguments of a user environment; default: the `envArgs` of the config recorded in the model when
   * `env` is the model's own, else none.
   */
  envArgs?: Record<string, unknown>;
  /** How to run a bridged environment (Python interpreter, timeout). */
  envOptions?: Omit<EnvOptions, 'args'>;
}

/** The `envArgs` of the training config recorded in a model's metadata (`mast.config`), or none. */
export function recordedEnvArgs(model: ModelProto): Record<string, unknown> {
  const raw = model.metadataProps.find((p) => p.key === 'mast.config')?.value;
  if (raw === undefined) return {};
  try {
    const args = (JSON.parse(raw) as { envArgs?: unknown }).envArgs;
    return typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The evaluation report (`mast eval --json` prints it). */
export interface EvalReport {
  model: string;
  /** The engine that ran it (for `auto`, the one chosen). */
  engine: EngineName;
  /** For `auto`: µs per decision each engine took when timed at load; null otherwise. */
  engineTimes: Record<EngineName, number> | null;
  env: string;
  episodes: number;
  seed: number;
  meanReturn: number;
  returnStd: number;
  /** Fraction of episodes won, where the environment reports wins; otherwise null. */
  winRate: number | null;
  /** FLOPs per agent decision of the exported network: counted from its nonzeros vs dense. */
  flops: FlopCount;
  /** Training FLOPs of the run that produced the model over the same run dense (from its metadata; null if absent). */
  trainFlopsRatio: number | null;
  /** Density of the agent's weight matrices (nonzeros / size; biases not counted), as `mast.density` records it. */
  density: number;
  /** File size of the model in bytes. */
  fileBytes: number;
  /** Wall-clock time of one decision for all agents (the engine used, this machine). */
  latency: { medianUs: number; p90Us: number };
  parity?: ParityReport;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Evaluate the ONNX agent at `path`; see {@link EvalOptions}. */
export async function evaluateOnnxAgent(path: string, options: EvalOptions): Promise<EvalReport> {
  if (!Number.isInteger(options.episodes) || options.episodes < 1)
    throw new RangeError(`episodes must be a positive integer, got ${options.episodes}`);
  const { model } = readOnnxFile(path);
  const meta = readAgentMetadata(model, path);
  const envId = options.env ?? meta.env;
  await prepareEnv(envId);
  const env = makeEnv(envId, {
    ...options.envOptions,
    args: options.envArgs ?? (envId === meta.env ? recordedEnvArgs(model) : {}),
  });
  try {
    return await evaluateIn(path, options, model, meta, envId, env);
  } finally {
    env.close?.();
  }
}

async function evaluateIn(
  path: string,
  options: EvalOptions,
  model: ModelProto,
  meta: AgentModelMetadata,
  envId: string,
  env: MultiAgentEnv,
): Promise<EvalReport> {
  const info = env.getEnvInfo();
  if (info.nAgents !== meta.nAgents || info.nActions !== meta.nActions || info.obsShape !== meta.inputLayout.obs) {
    throw new ConfigError(
      `${path} was exported for ${meta.env} (${meta.nAgents} agents, ${meta.nActions} actions, obs ${meta.inputLayout.obs}) and cannot play ${envId} (${info.nAgents} agents, ${info.nActions} actions, obs ${info.obsShape})`,
      { hint: `evaluate it on --env ${meta.env}` },
    );
  }
  const inspection = inspectModel(model);
  const policy = await OnnxPolicy.create(path, { engine: options.engine ?? 'ort' });
  // the parity check runs the tfjs agent: tfjs is loaded only when it is asked for
  const parity = options.against ? await import('./parity.js') : null;
  const reference =
    parity && options.against
      ? await parity.loadReference(options.against, info.nAgents, options.backend ?? 'wasm')
      : null;
  try {
    const seeds = new Rng(options.seed);
    const episodes: OnnxEpisode[] = [];
    const micros: number[] = [];
    let wins = 0;
    for (let e = 0; e < options.episodes; e++) {
      const ep = await onnxEpisode(env, policy, seeds.seed(), reference?.controller);
      episodes.push(ep);
      micros.push(...ep.stepMicros);
      if (ep.won) wins += 1;
    }
    const { mean, std } = meanStd(episodes.map((ep) => ep.return));
    micros.sort((x, y) => x - y);
    const report: EvalReport = {
      model: path,
      engine: policy.engine,
      engineTimes: policy.engineTimes,
      env: envId,
      episodes: options.episodes,
      seed: options.seed,
      meanReturn: mean,
      returnStd: std,
      winRate: info.reportsWins ? wins / options.episodes : null,
      flops: agentFlops(model),
      trainFlopsRatio: meta.trainFlopsRatio,
      density: inspection.totals.density,
      fileBytes: statSync(path).size,
      latency: { medianUs: quantile(micros, 0.5), p90Us: quantile(micros, 0.9) },
    };
    if (parity && reference) report.parity = parity.parityReport(reference, env, episodes, options.seed);
    return report;
  } finally {
    reference?.dispose();
    await policy.close();
  }
}
