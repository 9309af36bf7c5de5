/**
 * The mixing network as a framework-neutral snapshot (`mixer.snapshot` in a run directory), the
 * hand-off for `mast export --with-mixer`. QMIX's tensors are named as in `marl/mixers/qmix.ts`
 * (`hyperW1.0.weight` `[S, He]` …, weights `[in, out]`), with masks on the weight matrices.
 */
import { readTensorFile, writeTensorFile, type StoredArray } from '../util/tensor-file.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { SnapshotMetadata, SnapshotTensor } from '@mast-toolkit/runtime/internal/snapshot/types';
import { putSnapshotTensor, takeSnapshotTensor } from './io.js';
import { metadataProblem, tensorProblem } from './validate.js';

/** The QMIX mixer's layers, each a `<name>.weight` `[in, out]` and `<name>.bias` `[out]`. */
export const QMIX_LAYERS = [
  'hyperW1.0',
  'hyperW1.1',
  'hyperB1',
  'hyperWf.0',
  'hyperWf.1',
  'value.0',
  'value.1',
] as const;

/** A mixing network's architecture. */
export interface MixerArchitecture {
  kind: 'qmix' | 'vdn';
  nAgents: number;
  stateShape: number;
  /** QMIX mixing width E (0 for VDN). */
  embed: number;
  /** QMIX hypernetwork width He (0 for VDN). */
  hypernetEmbed: number;
}

/** A trained mixing network. */
export interface MixerSnapshot {
  format: 'mast-mixer-snapshot';
  version: 1;
  architecture: MixerArchitecture;
  /** By parameter name (empty for VDN). */
  tensors: Record<string, SnapshotTensor>;
  metadata: SnapshotMetadata;
}

/** The shape every QMIX tensor must have. */
export function qmixShapes(a: MixerArchitecture): Record<string, number[]> {
  const { stateShape: s, embed: e, hypernetEmbed: he, nAgents: n } = a;
  const dims: Record<(typeof QMIX_LAYERS)[number], [number, number]> = {
    'hyperW1.0': [s, he],
    'hyperW1.1': [he, e * n],
    hyperB1: [s, e],
    'hyperWf.0': [s, he],
    'hyperWf.1': [he, e],
    'value.0': [s, e],
    'value.1': [e, 1],
  };
  return Object.fromEntries(
    Object.entries(dims).flatMap(([name, [i, o]]) => [
      [`${name}.weight`, [i, o]],
      [`${name}.bias`, [o]],
    ]),
  );
}

/**
 * Check a mixer snapshot as `validateSnapshot` checks an agent's: a known architecture, every QMIX
 * tensor present with its shape, finite values (NaN weights would export and give NaN Q_tot), and
 * masks of the right size with zeros where masked.
 */
function check(snap: MixerSnapshot, what: string): void {
  const fail = (msg: string): never => {
    throw new ToolkitError('E_SNAPSHOT', `${what}: ${msg}`, {
      hint: 're-create the snapshot from a training run (mast train)',
    });
  };
  if (snap.format !== 'mast-mixer-snapshot' || snap.version !== 1)
    fail(`unsupported format ${String(snap.format)} v${String(snap.version)}`);
  const a = snap.architecture as MixerArchitecture | undefined;
  if (a?.kind !== 'qmix' && a?.kind !== 'vdn') fail(`unsupported mixer kind '${String(a?.kind)}'`);
  if (!Number.isInteger(a!.nAgents) || a!.nAgents <= 0)
    fail(`architecture.nAgents must be a positive integer, got ${a!.nAgents}`);
  const problem = metadataProblem(snap.metadata);
  if (problem) fail(problem);
  if (a!.kind === 'vdn') return;
  for (const k of ['stateShape', 'embed', 'hypernetEmbed'] as const) {
    if (!Number.isInteger(a![k]) || a![k] <= 0) fail(`architecture.${k} must be a positive integer, got ${a![k]}`);
  }
  for (const [name, shape] of Object.entries(qmixShapes(a!))) {
    const problem = tensorProblem(`mixer tensor '${name}'`, snap.tensors[name], shape);
    if (problem) fail(problem);
  }
}

/** Save atomically. */
export function writeMixerSnapshot(path: string, snap: MixerSnapshot): void {
  check(snap, path);
  const arrays: Record<string, StoredArray> = {};
  for (const [name, t] of Object.entries(snap.tensors)) putSnapshotTensor(arrays, name, t);
  writeTensorFile(
    path,
    { format: snap.format, version: snap.version, architecture: snap.architecture, metadata: snap.metadata },
    arrays,
  );
}

/** Load and check a mixer snapshot. */
export function readMixerSnapshot(path: string): MixerSnapshot {
  const { meta, arrays } = readTensorFile(path);
  const header = meta as Omit<MixerSnapshot, 'tensors'>;
  if (typeof header !== 'object' || header === null || header.format !== 'mast-mixer-snapshot')
    throw new ToolkitError('E_SNAPSHOT', `${path} is not a mixer snapshot (format '${header?.format}')`);
  const tensors: Record<string, SnapshotTensor> = {};
  for (const name of Object.keys(arrays))
    if (!name.endsWith('#mask')) tensors[name] = takeSnapshotTensor(arrays, name) as SnapshotTensor;
  const snap: MixerSnapshot = { ...header, tensors };
  check(snap, path);
  return snap;
}
