/**
 * The second update thread's messages (`updateThreads: 2`), one contract for both sides
 * (`update-thread.ts` in the main thread, `update-worker.ts` in the worker): the agents' weights when
 * they changed, then per update one forward request and one backward request for the worker's half of
 * the batch. Inputs, Q, ∂Q and the worker's gradients live in SharedArrayBuffers, so the messages
 * carry views of shared memory, not copies; only weights are copied (structured clone).
 */
import type { MessagePort } from 'node:worker_threads';
import {
  CheckpointError,
  ConfigError,
  NumericError,
  ShapeError,
  ToolkitError,
  type ErrorCode,
} from '@mast-toolkit/runtime/internal/util/errors';
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

/** An error thrown in the worker, as it crosses to the main thread ({@link describeFailure}). */
export interface UpdateFailure {
  name: string;
  /** The message without a toolkit error's hint line. */
  message: string;
  stack?: string;
  /** A {@link ToolkitError}'s code and hint. */
  code?: ErrorCode;
  hint?: string;
}

/** The toolkit errors rebuilt as their own class (others with a code come back as {@link ToolkitError}). */
const TOOLKIT_ERRORS: Record<string, new (message: string, options: { hint?: string }) => ToolkitError> = {
  CheckpointError,
  ConfigError,
  NumericError,
  ShapeError,
};

/** The built-in errors rebuilt as their own class, so the CLI maps them as it would in one thread. */
const BUILTIN_ERRORS: Record<string, new (message: string) => Error> = { RangeError, TypeError };

/** What the worker sends of an error it caught (structured-clone safe). */
export function describeFailure(err: unknown): UpdateFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  const toolkit = e instanceof ToolkitError ? e : null;
  const hintAt = toolkit?.hint === undefined ? -1 : e.message.lastIndexOf(`\n  hint: ${toolkit.hint}`);
  return {
    name: e.name,
    message: hintAt < 0 ? e.message : e.message.slice(0, hintAt),
    ...(e.stack ? { stack: e.stack } : {}),
    ...(toolkit ? { code: toolkit.code, ...(toolkit.hint !== undefined ? { hint: toolkit.hint } : {}) } : {}),
  };
}

/**
 * The worker's error rebuilt on the main thread, its message prefixed with `context`: the same class
 * for the toolkit's common errors and `RangeError`/`TypeError`, a {@link ToolkitError} with the same
 * code and hint for other toolkit errors, else a plain `Error`; the name and the worker's stack are kept.
 */
export function rebuildFailure(failure: UpdateFailure, context: string): Error {
  const message = `${context}: ${failure.message}`;
  const hint = failure.hint === undefined ? {} : { hint: failure.hint };
  const Typed = TOOLKIT_ERRORS[failure.name];
  const Builtin = BUILTIN_ERRORS[failure.name];
  const err = Typed
    ? new Typed(message, hint)
    : failure.code
      ? new ToolkitError(failure.code, message, hint)
      : Builtin
        ? new Builtin(message)
        : new Error(message);
  err.name = failure.name;
  if (failure.stack) err.stack = failure.stack;
  return err;
}

/** The worker's answer to a `forward` or `backward` request. */
export type UpdateReply = { kind: 'done' } | { kind: 'failed'; error: UpdateFailure };
