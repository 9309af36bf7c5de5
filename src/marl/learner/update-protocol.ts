/**
 * The second update thread's messages (`updateThreads: 2`), one contract for both sides
 * (`update-thread.ts` in the main thread, `update-worker.ts` in the worker): the agents' weights when
 * they changed, then per update one forward request and one backward request for the worker's half of
 * the batch. Inputs, Q, ∂Q and the worker's gradients live in SharedArrayBuffers, so the messages
 * carry views of shared memory, not copies; only weights are copied (structured clone).
 */
import type { MessagePort } from 'node:worker_threads';
import type { AgentMasks, AgentUnrollDims, AgentWeights } from '../../kernels/agent-unroll.js';

/** What the worker starts with (its `workerData`). */
export interface UpdateWorkerInit {
  dims: AgentUnrollDims;
  /** One Int32 the worker bumps (and notifies) after each reply it posts on `port`. */
  signal: SharedArrayBuffer;
  port: MessagePort;
}

/** Which of the worker's agent copies a request is for. */
export type UpdateNet = 'online' | 'target';

/** A request to the worker; only `forward` and `backward` are answered. */
export type UpdateRequest =
  | {
      kind: 'load';
      net: UpdateNet;
      weights: AgentWeights;
      /** The stored positions anew (a mask changed, or RigL's dense gradient); null: values only. */
      masks: AgentMasks | null;
    }
  | {
      kind: 'forward';
      /** The worker's episodes' inputs `[T+1, In, lanes]` (shared). */
      packed: Float32Array;
      steps: number;
      rows: number;
      agents: number;
      /** Where the online Q goes, `[episodes, T+1, agents, A]` (a shared view). */
      qs: Float32Array;
      /** Where the target Q goes, `[episodes, T, agents, A]` (a shared view). */
      targetQs: Float32Array;
    }
  | {
      kind: 'backward';
      /** ∂L/∂Q of the worker's episodes `[episodes, T+1, agents, A]` (a shared view). */
      dq: Float32Array;
      agents: number;
      /** Where the worker's gradients go (shared views). */
      grads: AgentWeights;
    };

/** An error thrown in the worker, rebuilt in the main thread. */
export interface UpdateFailure {
  name: string;
  message: string;
  stack?: string;
}

/** The worker's answer to a `forward` or `backward` request. */
export type UpdateReply = { kind: 'done' } | { kind: 'failed'; error: UpdateFailure };
