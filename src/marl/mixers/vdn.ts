/** VDN (Sunehag et al. 2018): Q_tot = Σ_i Q_i, no parameters. */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../nets/params.js';
import type { Mixer } from './types.js';

/** Value decomposition by summation. */
export class VdnMixer implements Mixer {
  readonly params = new ParamStore();

  mix(agentQs: tf.Tensor3D): tf.Tensor2D {
    return tf.sum(agentQs, 2); // [B, T]
  }
}
