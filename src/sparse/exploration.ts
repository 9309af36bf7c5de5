/**
 * In-time over-parameterisation (Liu, Yin, Mocanu, Pechenizkiy, ICML 2021): which connections of each
 * weight matrix have been active at some point of a run. A static mask explores only its density;
 * dynamic sparse training explores more with every topology update, and how much more depends on the
 * grow rule (random growth visits new positions, gradient growth tends to regrow the same ones).
 * The exploration rate is the fraction of all weights ever active. Plain typed arrays, no tfjs.
 */
import { countActive } from './mask.js';

/** The connections ever active, per weight matrix (`store/param` → 0/1 array). */
export class ExplorationRecord {
  private readonly seen = new Map<string, Uint8Array>();

  /** Count every active position of `mask` as explored for tensor `name`. */
  observe(name: string, mask: Uint8Array): void {
    const seen = this.seen.get(name);
    if (!seen) {
      this.seen.set(name, new Uint8Array(mask));
      return;
    }
    if (seen.length !== mask.length) {
      throw new RangeError(
        `ExplorationRecord: '${name}' has ${seen.length} entries but the mask observed has ${mask.length}`,
      );
    }
    for (let i = 0; i < mask.length; i++) seen[i] = (seen[i] as number) | (mask[i] as number);
  }

  /** Fraction of each tensor's weights ever active. */
  perLayer(): Record<string, number> {
    return Object.fromEntries([...this.seen].map(([name, seen]) => [name, countActive(seen) / seen.length]));
  }

  /** Fraction of all observed weights ever active (the exploration rate R_s); 0 before any observation. */
  fraction(): number {
    let explored = 0;
    let size = 0;
    for (const seen of this.seen.values()) {
      explored += countActive(seen);
      size += seen.length;
    }
    return size === 0 ? 0 : explored / size;
  }

  /** The record as arrays, for a checkpoint. */
  toArrays(): Record<string, Uint8Array> {
    return Object.fromEntries([...this.seen].map(([name, seen]) => [name, new Uint8Array(seen)]));
  }

  /** A record holding `arrays` (as {@link ExplorationRecord.toArrays} wrote them). */
  static fromArrays(arrays: Record<string, Uint8Array>): ExplorationRecord {
    const record = new ExplorationRecord();
    for (const [name, seen] of Object.entries(arrays)) record.observe(name, seen);
    return record;
  }
}
