/**
 * The basic metrics of `mast serve`: decisions per second over a sliding window, latency percentiles
 * of the last step requests (a ring buffer), and responses by status class.
 */

/** What `GET /metrics` reports about steps. */
export interface StepMetrics {
  /** Session steps answered with a decision per second, over the last `windowS` seconds. */
  decisionsPerSec: number;
  /** The window `decisionsPerSec` is measured over, s (shorter just after start). */
  windowS: number;
  /** Server-side latency of the last step requests (received → answered), ms. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; samples: number };
  /** Decisions since start. */
  decisions: number;
  /** Responses by status class since start. */
  responses: { '2xx': number; '4xx': number; '5xx': number };
}

/** `q`-quantile (nearest rank) of sorted values; 0 when there are none. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** Step counts and latencies. */
export class ServeMetrics {
  private readonly latencies: Float64Array;
  private filled = 0;
  private next = 0;
  private decisions = 0;
  private readonly perSecond: Float64Array; // decisions in each of the last seconds, a ring indexed by whole seconds
  private lastSecond: number;
  private readonly start: number;
  private readonly responses = { '2xx': 0, '4xx': 0, '5xx': 0 };

  /**
   * @param windowS seconds `decisionsPerSec` averages over
   * @param samples latencies kept for the percentiles
   * @param now clock in ms (default `performance.now`)
   */
  constructor(
    private readonly windowS = 10,
    samples = 4096,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.latencies = new Float64Array(samples);
    this.perSecond = new Float64Array(windowS + 1);
    this.start = now();
    this.lastSecond = Math.floor(this.start / 1000);
  }

  /** One step answered with a decision, `latencyMs` after its request arrived. */
  decision(latencyMs: number): void {
    this.advance();
    this.perSecond[this.lastSecond % this.perSecond.length]! += 1;
    this.decisions++;
    this.latencies[this.next] = latencyMs;
    this.next = (this.next + 1) % this.latencies.length;
    this.filled = Math.min(this.filled + 1, this.latencies.length);
  }

  /** One response sent with `status`. */
  response(status: number): void {
    if (status >= 500) this.responses['5xx']++;
    else if (status >= 400) this.responses['4xx']++;
    else this.responses['2xx']++;
  }

  /** The metrics now. */
  snapshot(): StepMetrics {
    this.advance();
    const sorted = this.latencies.slice(0, this.filled).sort();
    // the ring holds the current second (in part) and the `windowS` whole seconds before it
    let count = 0;
    for (let i = 0; i < this.perSecond.length; i++) count += this.perSecond[i] as number;
    const now = this.now();
    const span = Math.max(1e-3, Math.min((now - this.start) / 1000, this.windowS + (now / 1000 - this.lastSecond)));
    return {
      decisionsPerSec: count / span,
      windowS: span,
      latencyMs: {
        p50: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        p99: quantile(sorted, 0.99),
        max: sorted.length ? (sorted[sorted.length - 1] as number) : 0,
        samples: sorted.length,
      },
      decisions: this.decisions,
      responses: { ...this.responses },
    };
  }

  /** Zero the slots of the seconds that passed since the last event. */
  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    for (let s = this.lastSecond + 1; s <= second && s <= this.lastSecond + this.perSecond.length; s++)
      this.perSecond[s % this.perSecond.length] = 0;
    if (second > this.lastSecond) this.lastSecond = second;
  }
}
