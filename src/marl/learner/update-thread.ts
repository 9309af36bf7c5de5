/**
 * The main thread's side of the second update thread (`updateThreads: 2`): a worker
 * (`update-worker.ts`) that runs the agent unroll, forward and backward through time, for the second
 * half of each batch's episodes while the main thread runs the first half (`array-update.ts`).
 *
 * The update is synchronous, so this follows the Python bridge (`python-env.ts`): post a request, do
 * the main thread's half, then block in `Atomics.wait` on a shared counter the worker bumps once its
 * answer is on a message port, and take it with `receiveMessageOnPort`. The worker's inputs, its Q
 * and ∂Q are views of SharedArrayBuffers (the array update's buffers), and its gradients come back in
 * shared arrays held here, so nothing large is cloned. The weights are: each agent's go to the worker
 * when they changed since they were last sent (the online agent's after every optimizer step, the
 * target's at target syncs), with the masks when those changed (a topology update) or when RigL's
 * dense gradient asks for every position. {@link UpdateThread.close} terminates the worker.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { AgentUnrollDims, AgentWeights } from '../../kernels/agent-unroll.js';
import type { EpisodeBatch } from '../replay/episode.js';
import type { InputLayout } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { ParamStore } from '../nets/params.js';
import { agentKernelWeights, agentResidentKey } from '../nets/fused-agent.js';
import { batchAgentInputsPacked } from '../nets/batch-inputs.js';
import { residentRefresh, type ResidentKey } from '../nets/resident-weights.js';
import {
  rebuildFailure,
  type UpdateNet,
  type UpdateReply,
  type UpdateRequest,
  type UpdateWorkerInit,
} from './update-protocol.js';

/** The longest wait for one answer of the worker before the update gives up (a hung or dead thread). */
const ANSWER_TIMEOUT_MS = 600_000;

/** A Float32Array of `n` values in shared memory. */
export function sharedFloats(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * n));
}

/** What sending weights to the worker has cost so far (main-thread side: reading and cloning them). */
export interface WeightTraffic {
  sends: number;
  bytes: number;
  ms: number;
}

/** The worker thread of a two-thread array update; see the file header. */
export class UpdateThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private readonly sent: Record<UpdateNet, ResidentKey | null> = { online: null, target: null };
  private readonly grads: AgentWeights; // the worker's gradients (shared)
  private packed: Float32Array | null = null; // the worker's episodes' inputs (shared)
  private awaiting: string | null = null;
  private closed = false;
  /** The weights sent to the worker so far, and what reading and posting them took. */
  readonly traffic: WeightTraffic = { sends: 0, bytes: 0, ms: 0 };

  /**
   * @param params the online and target agents' parameter stores (the truth the worker copies)
   */
  constructor(
    dims: AgentUnrollDims,
    private readonly params: Record<UpdateNet, ParamStore>,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const shared = new SharedArrayBuffer(4);
    this.signal = new Int32Array(shared);
    const init: UpdateWorkerInit = { dims, signal: shared, port: port2 };
    this.worker = new Worker(new URL('./update-worker.js', import.meta.url), {
      workerData: init,
      transferList: [port2],
    });
    this.worker.unref(); // a learner never disposed must not keep the process alive
    const online = params.online;
    this.grads = Object.fromEntries(
      online.names().map((name) => [name, sharedFloats(online.get(name).size)]),
    ) as unknown as AgentWeights;
  }

  /** Send `net`'s weights when they changed since last sent (with the masks when those did). */
  private sendWeights(net: UpdateNet, allPositions: boolean): void {
    const store = this.params[net];
    const now = agentResidentKey(store, allPositions);
    const refresh = residentRefresh(this.sent[net], now);
    if (refresh === 'none') return;
    const started = performance.now();
    const { weights, masks } = agentKernelWeights(store, now);
    const request: UpdateRequest = { kind: 'load', net, weights, masks: refresh === 'rebuild' ? masks : null };
    this.worker.postMessage(request);
    this.sent[net] = now;
    this.traffic.sends += 1;
    this.traffic.bytes += Object.values(weights).reduce((s: number, w: Float32Array) => s + w.byteLength, 0);
    this.traffic.ms += performance.now() - started;
  }

  private post(request: UpdateRequest, what: string): void {
    if (this.closed) throw new Error('UpdateThread: used after close()');
    if (this.awaiting) throw new Error(`UpdateThread: ${what} asked for while ${this.awaiting} is under way`);
    this.worker.postMessage(request);
    this.awaiting = what;
  }

  /**
   * Start the forward passes of episodes `[from, to)` of `batch` in the worker: its inputs are packed
   * here into shared memory, its Q written into `qs` `[episodes, T+1, N, A]` and `targetQs`
   * `[episodes, T, N, A]` (views of shared memory). {@link finish} waits for them.
   * @param denseGradient the online agent stores every position (RigL's dense gradient)
   */
  startForward(
    batch: EpisodeBatch,
    layout: InputLayout,
    episodes: { from: number; to: number },
    qs: Float32Array,
    targetQs: Float32Array,
    denseGradient: boolean,
  ): void {
    const n = batch.info.nAgents;
    const rows = (episodes.to - episodes.from) * n;
    const width = layout.obs + layout.lastAction + layout.agentId;
    const size = (batch.maxT + 1) * width * Math.ceil(rows / 4) * 4;
    if (this.packed?.length !== size) this.packed = sharedFloats(size);
    batchAgentInputsPacked(batch, layout, this.packed, episodes); // [T+1, In, lanes]
    this.sendWeights('target', false);
    this.sendWeights('online', denseGradient);
    this.post(
      { kind: 'forward', packed: this.packed, steps: batch.maxT + 1, rows, agents: n, qs, targetQs },
      'a forward pass',
    );
  }

  /**
   * Start the worker's backward pass through time from `dq` `[episodes, T+1, N, A]` (a view of shared
   * memory) of its last forward; {@link finish} waits for it and returns its gradients.
   */
  startBackward(dq: Float32Array, agents: number): void {
    this.post({ kind: 'backward', dq, agents, grads: this.grads }, 'a backward pass');
  }

  /**
   * Block until the worker answers the request under way; its gradients after a backward pass (shared
   * arrays, overwritten by the next one). Rethrows an error of the worker.
   */
  finish(): AgentWeights {
    const what = this.awaiting;
    if (!what) throw new Error('UpdateThread.finish: no request is under way');
    this.awaiting = null;
    const deadline = performance.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const got = receiveMessageOnPort(this.port);
      if (got) return this.answer(got.message as UpdateReply, what);
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        this.close();
        throw new Error(`the update thread did not answer ${what} within ${ANSWER_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(this.signal, 0, seen, remaining);
    }
  }

  private answer(reply: UpdateReply, what: string): AgentWeights {
    if (reply.kind === 'done') return this.grads;
    this.close();
    throw rebuildFailure(reply.error, `the update thread failed in ${what}`);
  }

  /**
   * Wait for the request under way, if any, and drop its answer (a worker error included): for the
   * main thread whose own half threw, so that its error is the one reported and the thread is free
   * for the next update rather than left answering into a request nobody takes.
   */
  settle(): void {
    if (!this.awaiting) return;
    try {
      this.finish();
    } catch {
      // the caller's error is the one that counts; a failed worker has closed itself
    }
  }

  /** Terminate the worker. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.worker.terminate();
    this.port.close();
  }
}
