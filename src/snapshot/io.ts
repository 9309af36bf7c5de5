/** Reading and writing {@link AgentSnapshot}s as tensor files (`*.snapshot`). */
import { readTensorFile, writeTensorFile, type StoredArray } from '../util/tensor-file.js';
import { ToolkitError } from '../util/errors.js';
import { RNN_AGENT_TENSORS, type AgentSnapshot, type SnapshotTensor, type RnnAgentTensorName } from './types.js';
import { validateSnapshot } from './validate.js';

interface SnapshotHeader {
  format: AgentSnapshot['format'];
  version: AgentSnapshot['version'];
  architecture: AgentSnapshot['architecture'];
  metadata: AgentSnapshot['metadata'];
}

/** Save a snapshot atomically to `path` after validating it. */
export function writeSnapshot(path: string, snap: AgentSnapshot): void {
  validateSnapshot(snap);
  const arrays: Record<string, StoredArray> = {};
  for (const name of RNN_AGENT_TENSORS) {
    const t = snap.tensors[name];
    arrays[name] = { shape: t.shape, data: t.values };
    if (t.mask) arrays[`${name}#mask`] = { shape: t.shape, data: t.mask };
  }
  const header: SnapshotHeader = { format: snap.format, version: snap.version, architecture: snap.architecture, metadata: snap.metadata };
  writeTensorFile(path, header, arrays);
}

/** Load and validate a snapshot written by {@link writeSnapshot}. */
export function readSnapshot(path: string): AgentSnapshot {
  const { meta, arrays } = readTensorFile(path);
  const header = meta as SnapshotHeader;
  if (header?.format !== 'mast-agent-snapshot') {
    throw new ToolkitError('E_SNAPSHOT', `${path} is not an agent snapshot (format '${header?.format}')`);
  }
  const tensors = {} as Record<RnnAgentTensorName, SnapshotTensor>;
  for (const name of RNN_AGENT_TENSORS) {
    const a = arrays[name];
    if (!a) throw new ToolkitError('E_SNAPSHOT', `${path}: missing tensor '${name}'`);
    const m = arrays[`${name}#mask`];
    tensors[name] = { shape: a.shape, values: a.data as Float32Array, ...(m ? { mask: m.data as Uint8Array } : {}) };
  }
  const snap: AgentSnapshot = { ...header, tensors };
  validateSnapshot(snap, path);
  return snap;
}
