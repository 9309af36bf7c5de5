/**
 * The main thread's side of the acting thread (`actingThread`): a worker (`actor-worker.ts`) that
 * holds its own copies of the training environments and plays a round of episodes while the main
 * thread updates the networks. Each round is played with the agent's weights as they were when it
 * was asked for (copied then), and its exploration continues the run's act stream (its state goes
 * with the request and comes back with the episodes), so a run is the same whether the round was
 * played here or there.
 */
import { Worker } from 'node:worker_threads';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { Rng } from '../../util/rng.js';
import type { AgentMasks, AgentWeights } from '../../kernels/agent-unroll.js';
import type { RnnAgent } from '../nets/agent.js';
import type { ActorFailure, ActorInit, ActorReply, PlayRequest } from './actor-protocol.js';
import type { RoundActor } from './round-actor.js';
import type { EpisodeResult } from './runner.js';

function rebuild(f: ActorFailure): Error {
  const err = f.code ? new ToolkitError(f.code, f.message, f.hint ? { hint: f.hint } : {}) : new Error(f.message);
  if (!f.code) err.name = f.name;
  if (f.stack) err.stack = f.stack;
  return err;
}

/** Plays rounds in a worker thread; see the file header. */
export class ThreadActor implements RoundActor {
  private waiting: { resolve: (r: EpisodeResult[]) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly agent: RnnAgent,
    private readonly rng: Rng,
  ) {
    worker.on('message', (reply: ActorReply) => this.receive(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the acting thread exited (code ${code})`)));
  }

  /** Start the worker and open its environments; rejects with the worker's error if it cannot. */
  static async create(init: ActorInit, agent: RnnAgent, rng: Rng): Promise<ThreadActor> {
    const worker = new Worker(new URL('./actor-worker.js', import.meta.url), { workerData: init });
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (reply: ActorReply): void => {
        worker.off('error', reject);
        if (reply.kind === 'ready') resolve();
        else reject(reply.kind === 'failed' ? rebuild(reply.error) : new Error(`unexpected ${reply.kind}`));
      };
      worker.once('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the acting thread exited (code ${code}) before it was ready`)));
    });
    try {
      await ready;
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return new ThreadActor(worker, agent, rng);
  }

  play(seeds: number[], epsilon: number): Promise<EpisodeResult[]> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.waiting) throw new Error('ThreadActor.play: the previous round has not come back yet');
    const arrays = this.agent.params.toArrays();
    const weights = Object.fromEntries(
      Object.entries(arrays).map(([k, a]) => [k, a.values]),
    ) as unknown as AgentWeights;
    const masks = Object.fromEntries(
      Object.entries(arrays)
        .filter(([, a]) => a.mask)
        .map(([k, a]) => [k, a.mask]),
    ) as AgentMasks;
    const request: PlayRequest = { weights, masks, seeds, epsilon, rng: this.rng.getState() };
    const round = new Promise<EpisodeResult[]>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.worker.postMessage(request);
    return round;
  }

  private receive(reply: ActorReply): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (reply.kind === 'played') {
      this.rng.setState(reply.rng);
      waiting?.resolve(reply.results);
    } else if (reply.kind === 'failed') {
      this.fail(rebuild(reply.error));
      waiting?.reject(this.failed as Error);
    }
  }

  private fail(err: Error): void {
    this.failed ??= err;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(this.failed);
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.failed ??= new Error('the acting thread is closed');
    await this.worker.terminate();
  }
}
