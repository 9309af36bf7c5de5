/**
 * Model cards for the agents shipped in `models/`: a short JSON beside each `.onnx` saying what it
 * plays, how sparse it is, what it costs and how it scored — every figure reproducible with
 * `mast eval models/<file>.onnx` (the card's seed and episode count are `mast eval`'s defaults), and
 * checked against the model by the test suite.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { readAgentMetadata } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import { agentFlops, type FlopCount } from '../onnx/flops.js';
import type { EvalReport } from './eval.js';

/** A shipped model's card. */
export interface ModelCard {
  file: string;
  env: string;
  algorithm: string;
  sparsityMode: string;
  /** Density of the agent's weight matrices (nonzero fraction; biases and the mixer not counted). */
  density: number;
  /** FLOPs per agent decision, counted from the stored weights vs the same network dense. */
  flops: FlopCount;
  /** Training FLOPs of the run over the same run dense (null when not recorded). */
  trainFlopsRatio: number | null;
  training: { steps: number; seed: number; configHash: string; toolkitVersion: string };
  /** Greedy evaluation on ONNX Runtime (`mast eval` with its default seed and episodes). */
  evaluation: { episodes: number; seed: number; meanReturn: number; returnStd: number; winRate: number | null };
  fileBytes: number;
}

/** What the model itself says, in card form (everything but the evaluation). */
export function cardFromModel(path: string): Omit<ModelCard, 'evaluation'> {
  const { model } = readOnnxFile(path);
  const m = readAgentMetadata(model, path);
  return {
    file: basename(path),
    env: m.env,
    algorithm: m.algorithm,
    sparsityMode: m.sparsityMode,
    density: m.density,
    flops: agentFlops(model),
    trainFlopsRatio: m.trainFlopsRatio,
    training: { steps: m.trainedSteps, seed: m.seed, configHash: m.configHash, toolkitVersion: m.toolkitVersion },
    fileBytes: statSync(path).size,
  };
}

/** The card of the model at `path`, with `report` (from `evaluateOnnxAgent` on it) as its evaluation. */
export function modelCard(path: string, report: EvalReport): ModelCard {
  return {
    ...cardFromModel(path),
    evaluation: {
      episodes: report.episodes,
      seed: report.seed,
      meanReturn: report.meanReturn,
      returnStd: report.returnStd,
      winRate: report.winRate,
    },
  };
}
