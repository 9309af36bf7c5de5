/**
 * Session batching for servers: concurrent step requests are queued and, once per event-loop tick
 * (`setImmediate`, after pending I/O has been read), run as one `StatelessPolicy.stepMany` call —
 * one engine call for every session that asked during the tick. One call is in flight at a time;
 * requests that arrive meanwhile form the next batch. A batch that fails (a session whose outputs
 * are not finite) is retried one session at a time, so only the faulty session gets the error.
 */
import type { StatelessDecision, StatelessStep } from './stateless-policy.js';

/** What the batcher needs from a policy. */
export interface SessionStepper {
  stepMany(inputs: readonly StatelessStep[]): Promise<StatelessDecision[]>;
}

/** Options of {@link StepBatcher}. */
export interface StepBatcherOptions {
  /** Most sessions in one engine call (default 1024); 1 makes one engine call per request. */
  maxSessions?: number;
}

/** Counters of a {@link StepBatcher}. */
export interface StepBatcherStats {
  /** Engine calls made (`stepMany` calls, retries included). */
  calls: number;
  /** Session steps answered, with a decision or an error. */
  steps: number;
  /** Steps waiting for the next call. */
  queued: number;
}

interface Pending {
  input: StatelessStep;
  resolve: (d: StatelessDecision) => void;
  reject: (e: unknown) => void;
}

/** Batches concurrent session steps into one engine call per event-loop tick. */
export class StepBatcher {
  private readonly maxSessions: number;
  private queue: Pending[] = [];
  private scheduled = false;
  private running = false;
  private calls = 0;
  private steps = 0;

  /** @throws RangeError when `maxSessions` is not a positive integer. */
  constructor(
    private readonly policy: SessionStepper,
    options: StepBatcherOptions = {},
  ) {
    const max = options.maxSessions ?? 1024;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`StepBatcher: maxSessions must be a positive integer, got ${max}`);
    this.maxSessions = max;
  }

  /** Queue one session's step; resolves with its decision once the batch it joins has run. */
  step(input: StatelessStep): Promise<StatelessDecision> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Counters since construction. */
  get stats(): StepBatcherStats {
    return { calls: this.calls, steps: this.steps, queued: this.queue.length };
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Run one batch; schedule the next when more requests wait. */
  private async flush(): Promise<void> {
    this.running = true;
    const batch = this.queue.splice(0, this.maxSessions);
    try {
      await this.run(batch);
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    this.steps += batch.length;
    try {
      const out = await this.call(batch.map((p) => p.input));
      batch.forEach((p, i) => p.resolve(out[i] as StatelessDecision));
    } catch (err) {
      if (batch.length === 1) return (batch[0] as Pending).reject(err);
      for (const p of batch) {
        try {
          p.resolve((await this.call([p.input]))[0] as StatelessDecision);
        } catch (one) {
          p.reject(one);
        }
      }
    }
  }

  private async call(inputs: StatelessStep[]): Promise<StatelessDecision[]> {
    this.calls++;
    return this.policy.stepMany(inputs);
  }
}
