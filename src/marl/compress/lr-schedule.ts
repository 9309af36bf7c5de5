/**
 * The learning rate of offline compression's distillation over its updates (`mast compress --data
 * --lr-schedule`): constant, or constant while the weights are being pruned and then a cosine decay
 * (Loshchilov & Hutter, 2017) to a small floor over the recovery at the final density, so that the
 * last updates settle the surviving weights instead of jittering them around the teacher's near-tied
 * Q-values.
 */

/** The learning-rate schedules of a distillation. */
export const DISTILL_LR_SCHEDULES = ['constant', 'cosine'] as const;

/** `constant`: the optimizer's rate throughout; `cosine`: that rate while pruning, then a cosine decay. */
export type DistillLrSchedule = (typeof DISTILL_LR_SCHEDULES)[number];

/** Refuses a name that is not one of {@link DISTILL_LR_SCHEDULES}; `what` names the value in the message. */
export function checkLrSchedule(schedule: unknown, what: string): asserts schedule is DistillLrSchedule {
  if (!DISTILL_LR_SCHEDULES.includes(schedule as DistillLrSchedule))
    throw new RangeError(`${what} must be one of ${DISTILL_LR_SCHEDULES.join(', ')}, got ${String(schedule)}`);
}

/** Where the cosine schedule ends, as a fraction of the base rate. */
export const COSINE_LR_FLOOR = 0.05;

/**
 * The learning rate of update `update` (1-based) of `updates`, pruning done at `pruneEndUpdate`:
 * `lr` up to it, then for `cosine` lr·(f + (1 − f)·(1 + cos πu)/2) with u = (update − pruneEndUpdate) /
 * (updates − pruneEndUpdate) going 0 → 1 and f = {@link COSINE_LR_FLOOR}.
 */
export function distillLearningRate(
  schedule: DistillLrSchedule,
  update: number,
  updates: number,
  pruneEndUpdate: number,
  lr: number,
): number {
  checkLrSchedule(schedule, 'distillLearningRate: schedule');
  if (schedule === 'constant' || update <= pruneEndUpdate || updates <= pruneEndUpdate) return lr;
  const u = Math.min(1, (update - pruneEndUpdate) / (updates - pruneEndUpdate));
  return lr * (COSINE_LR_FLOOR + (1 - COSINE_LR_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * u)));
}
