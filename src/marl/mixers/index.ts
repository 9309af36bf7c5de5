/** The mixer registry: `alg` name → constructor. */
import type { Rng } from '../../util/rng.js';
import type { MixerConfig, MixerName } from '../../config/types.js';
import { lookup } from '../../util/errors.js';
import { QmixMixer } from './qmix.js';
import { VdnMixer } from './vdn.js';
import type { Mixer, MixerSpec } from './types.js';

export type { Mixer, MixerSpec } from './types.js';

/** Every mixer, by name. */
export const MIXERS: Record<MixerName, (spec: MixerSpec, config: MixerConfig, rng: Rng) => Mixer> = {
  qmix: (spec, config, rng) => new QmixMixer(spec, config, rng),
  vdn: () => new VdnMixer(),
};

/** Build the mixer named `name`; unknown names fail with the list of known ones. */
export function createMixer(name: string, spec: MixerSpec, config: MixerConfig, rng: Rng): Mixer {
  return lookup('mixer', MIXERS, name)(spec, config, rng);
}
