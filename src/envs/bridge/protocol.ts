/**
 * The contract of the Python environment bridge, shared by the main thread (python-env.ts), its
 * worker (bridge-worker.ts) and, in prose, the Python end (mast_env_bridge.py, whose docstring
 * defines the same framing). A payload is a 4-byte little-endian header length, a UTF-8 JSON header,
 * and a binary tail: the observations as float32 (agents concatenated), the state as float32, the
 * availability masks as one byte per action. Binary tails keep a step's arrays out of JSON: parsing
 * JSON numbers costs more than the step of a small environment (docs/benchmarks.md, env-bridge).
 */
import type { MessagePort } from 'node:worker_threads';
import type { EnvInfo } from '../types.js';

/** What the worker is started with. */
export interface WorkerInit {
  python: string;
  script: string;
  cwd: string;
  /** A SharedArrayBuffer of one Int32 the worker increments and notifies after each event. */
  signal: SharedArrayBuffer;
  port: MessagePort;
  /** Copy the process's stderr to ours as it comes (otherwise only its tail is kept, for errors). */
  echoStderr: boolean;
}

/** Main thread → worker. */
export type WorkerRequest = { kind: 'frame'; payload: Uint8Array } | { kind: 'end' };

/** Worker → main thread. */
export type WorkerEvent =
  | { kind: 'started'; pid: number }
  | { kind: 'answer'; payload: Uint8Array }
  | { kind: 'exit'; code: number | null; signal: string | null; stderr: string }
  | { kind: 'spawn-error'; message: string; code: string | null };

/** A request to the Python end. */
export type BridgeRequest =
  | { op: 'init'; target: string; kwargs: Record<string, unknown> }
  | { op: 'reset'; seed: number }
  | { op: 'step'; actions: number[] }
  | { op: 'close' };

/** A failure reported by the Python end. */
export interface BridgeFailure {
  /** `import` (the module or class), `construct` (the constructor raised), `method` (an env method raised), `protocol`. */
  kind: 'import' | 'construct' | 'method' | 'protocol';
  /** The Python method that raised, e.g. `step`, `get_obs`. */
  method: string;
  /** The exception's class name. */
  type: string;
  message: string;
  traceback: string;
}

/** The answer to `init`. */
export interface HelloHeader {
  info: EnvInfo;
  /** How episodes are seeded: `seed` (env.seed(s) then reset()), `reset` (reset(seed=s)) or `none`. */
  seeding: 'seed' | 'reset' | 'none';
  numpy: boolean;
  python: string;
}

/** The header of an answer to `reset` or `step`; the tail holds the arrays it sizes. */
export interface StepHeader {
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, number | boolean>;
  /** Length of each agent's observation in the tail. */
  obs: number[];
  /** Length of the state in the tail. */
  state: number;
  /** Length of each agent's mask in the tail. */
  avail: number[];
}

/** Encode a JSON-only payload. */
export function encodePayload(header: BridgeRequest): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  return out;
}

/** Split a payload into its JSON header and the byte offset where its tail starts. */
export function decodeHeader(payload: Uint8Array): { header: unknown; tailOffset: number } {
  const length = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  const text = Buffer.from(payload.buffer, payload.byteOffset + 4, length).toString('utf8');
  return { header: JSON.parse(text) as unknown, tailOffset: 4 + length };
}

/** The observations, state and masks in the tail of a step answer, sized by its header. */
export function decodeArrays(
  payload: Uint8Array,
  tailOffset: number,
  h: StepHeader,
): { obs: Float32Array[]; state: Float32Array; avail: Uint8Array[] } {
  const nObs = h.obs.reduce((a, b) => a + b, 0);
  const nAvail = h.avail.reduce((a, b) => a + b, 0);
  const floatBytes = 4 * (nObs + h.state);
  if (payload.byteLength - tailOffset !== floatBytes + nAvail) {
    throw new RangeError(
      `bridge answer tail holds ${payload.byteLength - tailOffset} bytes; its header sizes ${floatBytes + nAvail}`,
    );
  }
  const start = payload.byteOffset + tailOffset;
  const floats = new Float32Array(payload.buffer.slice(start, start + floatBytes)); // a copy, 4-byte aligned
  const obs: Float32Array[] = [];
  let at = 0;
  for (const n of h.obs) {
    obs.push(floats.subarray(at, at + n));
    at += n;
  }
  const state = floats.subarray(at, at + h.state);
  const avail: Uint8Array[] = [];
  let b = start + floatBytes;
  for (const n of h.avail) {
    avail.push(new Uint8Array(payload.buffer.slice(b, b + n)));
    b += n;
  }
  return { obs, state, avail };
}
