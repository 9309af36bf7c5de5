/** The agent a command works on, given as a run directory (its agent.snapshot) or an .onnx file. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readSnapshot } from '../src/snapshot/io.js';
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { runPaths } from '../src/run/run-dir.js';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { importAgent } from '../src/onnx/import-agent.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { exportAgent } from '../src/onnx/export-agent.js';
import { agentFlops } from '../src/onnx/flops.js';

/** An agent snapshot with where it came from. */
export interface AgentSource {
  snapshot: AgentSnapshot;
  /** The file read (the .onnx file, or the run directory's agent.snapshot) and its SHA-256. */
  path: string;
  sha256: string;
}

/**
 * Read the agent of `source`: a run directory (from `mast train`, `mast import`, `mast compress`) or
 * an .onnx model exported by this toolkit. A PyTorch export carries no `mast.*` metadata: bring it
 * in with `mast import` first, which asks for its environment and input layout.
 */
export function readAgentSource(source: string): AgentSource {
  if (existsSync(source) && statSync(source).isDirectory()) {
    const path = runPaths(source).snapshot;
    const snapshot = readSnapshot(path);
    return { snapshot, path, sha256: sha256(readFileSync(path)) };
  }
  const { bytes, model } = readOnnxFile(source);
  if (!model.metadataProps.some((p) => p.key === 'mast.input_layout')) {
    throw new ConfigError(
      `${source} carries no mast.* metadata (a PyTorch export?), so its environment and input layout are unknown`,
      {
        hint: `bring it in first with \`mast import ${source} --out DIR --env ID\`, then give DIR`,
      },
    );
  }
  return { snapshot: importAgent(model, { what: source }), path: source, sha256: sha256(bytes) };
}

/** Hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** FLOPs per agent decision of a source agent and its compressed version, counted on their sparse exports. */
export function flopsPerDecision(
  source: AgentSnapshot,
  compressed: AgentSnapshot,
): { source: number; compressed: number; ratio: number } {
  const before = agentFlops(exportAgent(source, { format: 'sparse' })).sparse;
  const after = agentFlops(exportAgent(compressed, { format: 'sparse' })).sparse;
  return { source: before, compressed: after, ratio: after / before };
}
