/** The mixer registry: `alg` name → constructor. */
import type { Rng } from '../../util/rng.js';
import type { MixerConfig, MixerName } from '../../config/types.js';
import { lookup } from '@mast-toolkit/runtime/internal/util/errors';
import { QmixMixer } from './qmix.js';
import { VdnMixer } from './vdn.js';
import type { Mixer, MixerSpec } from './types.js';
import type { KernelLinearLayers } from '../nets/kernel-linear.js';
import type { MixerArchitecture, MixerSnapshot } from '../../snapshot/mixer.js';
import type { SnapshotMetadata } from '@mast-toolkit/runtime/internal/snapshot/types';

export type { Mixer, MixerSpec } from './types.js';

/** Every mixer, by name; `kernels` (when given) runs its linear layers on the WebAssembly kernels. */
export const MIXERS: Record<
  MixerName,
  (spec: MixerSpec, config: MixerConfig, rng: Rng, kernels: KernelLinearLayers | null) => Mixer
> = {
  qmix: (spec, config, rng, kernels) => new QmixMixer(spec, config, rng, kernels),
  vdn: () => new VdnMixer(),
};

/**
 * Build the mixer named `name`, its linear layers on `kernels` when given; unknown names fail with
 * the list of known ones.
 */
export function createMixer(
  name: string,
  spec: MixerSpec,
  config: MixerConfig,
  rng: Rng,
  kernels: KernelLinearLayers | null = null,
): Mixer {
  return lookup('mixer', MIXERS, name)(spec, config, rng, kernels);
}

/** A mixer's weights (and masks) as a framework-neutral snapshot. */
export function mixerSnapshot(
  mixer: Mixer,
  architecture: MixerArchitecture,
  metadata: SnapshotMetadata,
): MixerSnapshot {
  const tensors: MixerSnapshot['tensors'] = {};
  for (const [name, a] of Object.entries(mixer.params.toArrays()))
    tensors[name] = { shape: a.shape, values: a.values, ...(a.mask ? { mask: a.mask } : {}) };
  const vdn = architecture.kind === 'vdn';
  return {
    format: 'mast-mixer-snapshot',
    version: 1,
    architecture: vdn ? { ...architecture, embed: 0, hypernetEmbed: 0 } : architecture,
    tensors,
    metadata,
  };
}
