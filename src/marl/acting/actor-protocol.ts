/**
 * The acting thread's messages, one contract for both sides (`actor-thread.ts` in the main thread,
 * `actor-worker.ts` in the worker): the environments to open, then one request per round of
 * episodes (the agent's weights as they were when the round was asked for, the seeds, ε and the
 * exploration stream's state) and one reply (the episodes and the stream's state after them).
 */
import type { RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { ErrorCode } from '@mast-toolkit/runtime/internal/util/errors';
import type { RngState } from '../../util/rng.js';
import type { AgentMasks, AgentWeights } from '../../kernels/agent-unroll.js';
import type { EpisodeResult } from './runner.js';

/** What the worker opens at start (its `workerData`). */
export interface ActorInit {
  /** Environment id (built-in or `module:`; Python environments are played in the main thread). */
  env: string;
  envArgs: Record<string, unknown>;
  /** Environments played in lockstep (`envWorkers`). */
  workers: number;
  arch: RnnAgentArchitecture;
}

/** One round: an episode in each environment. */
export interface PlayRequest {
  weights: AgentWeights;
  masks: AgentMasks;
  seeds: number[];
  epsilon: number;
  rng: RngState;
}

/** An error thrown in the worker, rebuilt in the main thread. */
export interface ActorFailure {
  name: string;
  message: string;
  code?: ErrorCode;
  hint?: string;
  stack?: string;
}

/** The worker's messages: ready after opening, then one per request. */
export type ActorReply =
  | { kind: 'ready' }
  | { kind: 'played'; results: EpisodeResult[]; rng: RngState }
  | { kind: 'failed'; error: ActorFailure };
