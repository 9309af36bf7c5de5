/**
 * Reward standardisation (EPyMARL's `standardise_rewards`): a running mean and variance of every
 * reward the learner has trained on, and each batch's rewards replaced by (r − mean) / std before the
 * targets are built. It puts sparse, small rewards (Level-Based Foraging's food shares) on the scale
 * of the value estimates, whose initial offsets can otherwise dwarf them. Plain numbers; the state is
 * checkpointed.
 */

/** The running statistics' state. */
export interface RewardStats {
  mean: number;
  variance: number;
  /** Rewards seen, starting from a tiny pseudo-count so the first batch is not divided by zero. */
  count: number;
}

/** Running mean and variance (the parallel-combination update of Chan et al.). */
export class RewardScale {
  private state: RewardStats = { mean: 0, variance: 1, count: 1e-4 };

  /** Fold in the rewards of filled steps, then return all of `reward` standardised (padding stays 0). */
  standardise(reward: Float32Array, filled: ArrayLike<number>): Float32Array {
    let [n, sum] = [0, 0];
    for (let k = 0; k < reward.length; k++) if (filled[k]) [n, sum] = [n + 1, sum + (reward[k] as number)];
    if (n > 0) {
      const batchMean = sum / n;
      let squares = 0;
      for (let k = 0; k < reward.length; k++) if (filled[k]) squares += ((reward[k] as number) - batchMean) ** 2;
      const { mean, variance, count } = this.state;
      const total = count + n;
      const delta = batchMean - mean;
      this.state = {
        mean: mean + (delta * n) / total,
        variance: (variance * count + squares + (delta * delta * count * n) / total) / total,
        count: total,
      };
    }
    const { mean, variance } = this.state;
    const std = Math.sqrt(Math.max(variance, 1e-8));
    return reward.map((r, k) => (filled[k] ? (r - mean) / std : 0));
  }

  /** The statistics, for checkpoints. */
  getState(): RewardStats {
    return { ...this.state };
  }

  /** Restore checkpointed statistics. */
  setState(state: RewardStats): void {
    this.state = { ...state };
  }
}
