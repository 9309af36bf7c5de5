/**
 * Exporting a run directory's agent: its `agent.snapshot` → an ONNX file, as `mast export`, `mast
 * demo` and `models/make-models.mjs` do it.
 */
import { readSnapshot } from '../snapshot/io.js';
import { runPaths } from '../run/run-dir.js';
import { exportAgent, exportAgentBytes, type SparseEncoding, type WeightFormat } from './export-agent.js';
import { wrapBatchAgents } from './export-batch.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { writeOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';

/**
 * Export the agent snapshot of run `runDir` to `out` (written atomically), as the per-agent graph or,
 * with `batchAgents`, the batch-agents graph; returns the file size in bytes.
 * @throws ToolkitError (`E_CHECKPOINT`, `E_SNAPSHOT`) when the snapshot is missing or malformed.
 */
export function exportRun(
  runDir: string,
  out: string,
  format: WeightFormat,
  sparseEncoding: SparseEncoding = 'initializer',
  batchAgents = false,
): number {
  const snap = readSnapshot(runPaths(runDir).snapshot);
  const bytes = batchAgents
    ? encodeModel(wrapBatchAgents(exportAgent(snap, { format, sparseEncoding }), snap.architecture))
    : exportAgentBytes(snap, { format, sparseEncoding });
  writeOnnxFile(out, bytes);
  return bytes.length;
}
