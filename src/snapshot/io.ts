/** Reading and writing {@link AgentSnapshot}s as tensor files (`*.snapshot`). */
import { readTensorFile, writeTensorFile, type StoredArray } from '../util/tensor-file.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import {
  RNN_AGENT_TENSORS,
  type AgentSnapshot,
  type SnapshotTensor,
  type RnnAgentTensorName,
} from '@mast-toolkit/runtime/internal/snapshot/types';
import { validateSnapshot } from './validate.js';

interface SnapshotHeader {
  format: AgentSnapshot['format'];
  version: AgentSnapshot['version'];
  architecture: AgentSnapshot['architecture'];
  metadata: AgentSnapshot['metadata'];
}

/** Store tensor `name` of a snapshot (values, and its mask under `name#mask`) among a tensor file's arrays. */
export function putSnapshotTensor(arrays: Record<string, StoredArray>, name: string, t: SnapshotTensor): void {
  arrays[name] = { shape: t.shape, data: t.values };
  if (t.mask) arrays[`${name}#mask`] = { shape: t.shape, data: t.mask };
}

/** Tensor `name` (with its mask, when stored) from a tensor file's arrays, or undefined if absent. */
export function takeSnapshotTensor(arrays: Record<string, StoredArray>, name: string): SnapshotTensor | undefined {
  const a = arrays[name];
  if (!a) return undefined;
  const m = arrays[`${name}#mask`];
  return { shape: a.shape, values: a.data as Float32Array, ...(m ? { mask: m.data as Uint8Array } : {}) };
}

/** Save a snapshot atomically to `path` after validating it. */
export function writeSnapshot(path: string, snap: AgentSnapshot): void {
  validateSnapshot(snap);
  const arrays: Record<string, StoredArray> = {};
  for (const name of RNN_AGENT_TENSORS) putSnapshotTensor(arrays, name, snap.tensors[name]);
  const header: SnapshotHeader = {
    format: snap.format,
    version: snap.version,
    architecture: snap.architecture,
    metadata: snap.metadata,
  };
  writeTensorFile(path, header, arrays);
}

/** Load and validate a snapshot written by {@link writeSnapshot}. */
export function readSnapshot(path: string): AgentSnapshot {
  const { meta, arrays } = readTensorFile(path);
  const header = meta as SnapshotHeader;
  if (header?.format !== 'mast-agent-snapshot') {
    throw new ToolkitError('E_SNAPSHOT', `${path} is not an agent snapshot (format '${header?.format}')`);
  }
  const fail = (name: string): never => {
    throw new ToolkitError('E_SNAPSHOT', `${path}: missing tensor '${name}'`);
  };
  const tensors = {} as Record<RnnAgentTensorName, SnapshotTensor>;
  for (const name of RNN_AGENT_TENSORS) tensors[name] = takeSnapshotTensor(arrays, name) ?? fail(name);
  const snap: AgentSnapshot = { ...header, tensors };
  validateSnapshot(snap, path);
  return snap;
}
