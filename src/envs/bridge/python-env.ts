/**
 * Python environments over a pipe: `python:PACKAGE.MODULE:Class` or `python:./file.py:Class` starts
 * a Python interpreter running mast_env_bridge.py (shipped beside this file's source, found from the
 * package root), which constructs `Class(**envArgs)` and serves its pymarl methods.
 *
 * Why a worker thread and Atomics.wait: the runner and the whole training loop are synchronous, and
 * a Node child process's pipes are only readable through the event loop. A worker thread owns the
 * child and its pipes; the main thread posts a request, then blocks in `Atomics.wait` on a shared
 * counter the worker bumps once the answer is on a message port, and takes it with
 * `receiveMessageOnPort` — synchronous to the runner, and the wait has a timeout, so a hung Python
 * process gives a clear error instead of hanging training. (Blocking reads of a pipe with
 * `fs.readSync` would need the pipe in blocking mode, where no timeout is possible.) One step is one
 * round trip: the answer to `step` carries the next observations, state and masks, which
 * `getObs()`/`getState()`/`getAvailActions()` then serve from memory. Measured with
 * `npm run bench -- env-bridge` (docs/benchmarks.md).
 *
 * The interpreter is `options.python`, else `$MAST_PYTHON`, else `python3` on PATH. The child is
 * closed by {@link PythonEnv.close}, killed after a timeout, and killed at process exit if still
 * running, so no Python process outlives the toolkit.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { EnvInfo, MultiAgentEnv, StepResult } from '../types.js';
import {
  decodeArrays,
  decodeHeader,
  encodePayload,
  type BridgeFailure,
  type BridgeRequest,
  type HelloHeader,
  type StepHeader,
  type WorkerEvent,
  type WorkerInit,
} from './protocol.js';

/** The prefix of Python environment ids. */
export const PYTHON_PREFIX = 'python:';

/** The default time one call (import and constructor included) may take before the process is killed. */
export const DEFAULT_BRIDGE_TIMEOUT_MS = 120_000;

/** How to run a bridged environment (not part of the training config: a resumed run may change them). */
export interface BridgeOptions {
  /** Python interpreter (default `$MAST_PYTHON`, else `python3`). */
  python?: string;
  /** Longest wait for one answer (ms); past it the process is killed (default {@link DEFAULT_BRIDGE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Copy the process's stderr to ours as it comes (default: keep its tail for error messages only). */
  echoStderr?: boolean;
}

const live = new Set<number>();
let exitHookInstalled = false;

function killLive(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** mast_env_bridge.py: the source tree's copy, found from this file (src/ or dist/src/). */
export function bridgeScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'src', 'envs', 'bridge', 'mast_env_bridge.py');
    if (existsSync(candidate)) return candidate;
    const beside = join(dir, 'mast_env_bridge.py');
    if (existsSync(beside)) return beside;
    dir = dirname(dir);
  }
  throw new ToolkitError('E_ENV_BRIDGE', 'mast_env_bridge.py is missing from the toolkit', {
    hint: 'reinstall the toolkit; the bridge script ships in src/envs/bridge/',
  });
}

/** The last `n` non-empty lines of a text. */
function lastLines(text: string, n: number): string {
  return text
    .trimEnd()
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .slice(-n)
    .join('\n');
}

/**
 * A Python environment process behind the synchronous {@link MultiAgentEnv} interface. Sizes are not
 * checked here; wrap it in a CheckedEnv (the registry does).
 */
export class PythonEnv implements MultiAgentEnv {
  readonly id: string;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private readonly timeoutMs: number;
  private readonly python: string;
  private pid = -1;
  private closed = false;
  private info!: EnvInfo;
  /** How the Python end seeds episodes (see mast_env_bridge.py). */
  seeding: HelloHeader['seeding'] = 'none';
  private last: { obs: Float32Array[]; state: Float32Array; avail: Uint8Array[] } | null = null;
  /** The request whose answer is awaited, and what to call it in messages. */
  private pending: { request: BridgeRequest; what: string } | null = null;

  /**
   * Start the process and construct the environment; blocks until it answers.
   * @param id the environment id, `python:TARGET` with TARGET `package.module:Class` or `path.py:Class`.
   * @param kwargs keyword arguments of the constructor (JSON values).
   * @throws ToolkitError (E_ENV_BRIDGE) when Python cannot start, the import or constructor fails, or it times out.
   */
  constructor(id: string, kwargs: Record<string, unknown>, options: BridgeOptions = {}) {
    this.id = id;
    const target = id.slice(PYTHON_PREFIX.length);
    if (!/.+:[A-Za-z_][\w.]*$/.test(target)) {
      throw new ToolkitError('E_CONFIG', `environment id '${id}' is not python:MODULE:Class or python:FILE.py:Class`, {
        hint: 'e.g. python:smaclite_wrapper:SmacliteEnv or python:./my_env.py:MyEnv',
      });
    }
    this.python = options.python ?? process.env.MAST_PYTHON ?? 'python3';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_BRIDGE_TIMEOUT_MS;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const shared = new SharedArrayBuffer(4);
    this.signal = new Int32Array(shared);
    const init: WorkerInit = {
      python: this.python,
      script: bridgeScriptPath(),
      cwd: process.cwd(),
      signal: shared,
      port: port2,
      echoStderr: options.echoStderr === true,
    };
    this.worker = new Worker(new URL('./bridge-worker.js', import.meta.url), {
      workerData: init,
      transferList: [port2],
    });
    this.worker.unref();
    if (!exitHookInstalled) {
      process.once('exit', killLive);
      exitHookInstalled = true;
    }
    try {
      const hello = this.call({ op: 'init', target, kwargs }, 'import and construction')
        .header as unknown as HelloHeader;
      this.info = hello.info;
      this.seeding = hello.seeding;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** The Python process's id (-1 before it started or after it was killed). */
  get processId(): number {
    return this.closed ? -1 : this.pid;
  }

  getEnvInfo(): EnvInfo {
    return this.info;
  }

  reset(seed: number): void {
    this.startReset(seed);
    this.finish();
  }

  step(actions: readonly number[]): StepResult {
    this.startStep(actions);
    return this.finish();
  }

  /** Send `reset(seed)` without waiting; {@link finish} waits. Lets several processes work at once. */
  startReset(seed: number): void {
    this.send({ op: 'reset', seed }, 'reset');
  }

  /** Send `step(actions)` without waiting; {@link finish} waits for its result. */
  startStep(actions: readonly number[]): void {
    if (!this.last)
      throw new ToolkitError('E_ENV', `${this.id}: step() called with no running episode`, {
        hint: 'call reset(seed) to start an episode',
      });
    this.send({ op: 'step', actions: Array.from(actions) }, 'step');
  }

  /** Wait for the call {@link startReset} or {@link startStep} sent; the step's result (a reset's is empty). */
  finish(): StepResult {
    const h = this.receive();
    this.observe(h);
    return {
      reward: h.header.reward,
      terminated: h.header.terminated,
      truncated: h.header.truncated,
      info: h.header.info,
    };
  }

  getObs(): Float32Array[] {
    return this.current().obs;
  }

  getState(): Float32Array {
    return this.current().state;
  }

  getAvailActions(): Uint8Array[] {
    return this.current().avail;
  }

  /** Ask the process to close the environment and exit; kill it if it does not within a few seconds. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pid > 0) {
      try {
        this.worker.postMessage({ kind: 'frame', payload: encodePayload({ op: 'close' }) });
        this.worker.postMessage({ kind: 'end' });
        const deadline = performance.now() + 5000;
        for (;;) {
          const e = this.next(deadline);
          if (e === null || e.kind === 'exit' || e.kind === 'spawn-error') break;
        }
      } catch {
        // closing is best effort; the kill below finishes it
      }
    }
    this.kill();
  }

  private current(): { obs: Float32Array[]; state: Float32Array; avail: Uint8Array[] } {
    if (!this.last)
      throw new ToolkitError('E_ENV', `${this.id}: no episode has been started`, { hint: 'call reset(seed) first' });
    return this.last;
  }

  private observe(answer: { header: StepHeader; payload: Uint8Array; tailOffset: number }): void {
    this.last = decodeArrays(answer.payload, answer.tailOffset, answer.header);
  }

  private kill(): void {
    if (this.pid > 0 && live.has(this.pid)) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      live.delete(this.pid);
    }
    this.closed = true;
    void this.worker.terminate();
    this.port.close();
  }

  /** The next event from the worker, or null once `deadline` (performance.now() ms) passes. */
  private next(deadline: number): WorkerEvent | null {
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const got = receiveMessageOnPort(this.port);
      if (got) {
        const e = got.message as WorkerEvent;
        if (e.kind === 'started') {
          this.pid = e.pid;
          live.add(e.pid);
          continue;
        }
        if (e.kind === 'exit') live.delete(this.pid);
        return e;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return null;
      Atomics.wait(this.signal, 0, seen, remaining);
    }
  }

  /** Send one request and block for its answer; every failure becomes an E_ENV_BRIDGE error. */
  private call(request: BridgeRequest, what: string): { header: StepHeader; payload: Uint8Array; tailOffset: number } {
    this.send(request, what);
    return this.receive();
  }

  private send(request: BridgeRequest, what: string): void {
    if (this.closed)
      throw new ToolkitError('E_ENV_BRIDGE', `${this.id}: the Python process is closed`, {
        hint: 'make a new environment',
      });
    if (this.pending)
      throw new ToolkitError('E_ENV', `${this.id}: ${what} sent while ${this.pending.what} still awaits its answer`, {
        hint: 'call finish() first',
      });
    this.worker.postMessage({ kind: 'frame', payload: encodePayload(request) });
    this.pending = { request, what };
  }

  private receive(): { header: StepHeader; payload: Uint8Array; tailOffset: number } {
    if (!this.pending)
      throw new ToolkitError('E_ENV', `${this.id}: finish() called with no call under way`, {
        hint: 'call startReset or startStep first',
      });
    const { request, what } = this.pending;
    this.pending = null;
    const event = this.next(performance.now() + this.timeoutMs);
    if (event === null) {
      this.kill();
      throw new ToolkitError(
        'E_ENV_BRIDGE',
        `${this.id}: the Python process did not answer ${what} within ${(this.timeoutMs / 1000).toFixed(1)} s and was killed`,
        {
          hint: 'if the environment is only slow (StarCraft II starting), raise --env-timeout; otherwise find where it hangs',
        },
      );
    }
    if (event.kind === 'spawn-error') {
      this.kill();
      throw new ToolkitError(
        'E_ENV_BRIDGE',
        `${this.id}: cannot start the Python interpreter '${this.python}': ${event.message}`,
        {
          hint: 'install Python 3, or name an interpreter with --python PATH or the MAST_PYTHON environment variable',
        },
      );
    }
    if (event.kind === 'exit') {
      this.kill();
      const how = event.signal ? `was killed by ${event.signal}` : `exited with code ${event.code}`;
      const tail = lastLines(event.stderr, 8);
      throw new ToolkitError(
        'E_ENV_BRIDGE',
        `${this.id}: the Python process ${how} during ${what}${tail ? `; its stderr ended with:\n${tail}` : ''}`,
        {
          hint: 'the environment crashed; fix it, then a run continues from its last checkpoint with `mast train --out DIR --resume` (a fresh process)',
        },
      );
    }
    if (event.kind !== 'answer')
      throw new ToolkitError('E_ENV_BRIDGE', `${this.id}: unexpected event ${event.kind} from the bridge worker`);
    let decoded: ReturnType<typeof decodeHeader>;
    try {
      decoded = decodeHeader(event.payload);
    } catch (err) {
      this.kill();
      throw new ToolkitError(
        'E_ENV_BRIDGE',
        `${this.id}: the answer to ${what} is not valid JSON: ${(err as Error).message}`,
        { hint: 'the bridge script and the toolkit may be from different versions; reinstall the toolkit', cause: err },
      );
    }
    const { header, tailOffset } = decoded;
    const failure = (header as { error?: BridgeFailure }).error;
    if (failure) throw this.failure(failure, request);
    return { header: header as StepHeader, payload: event.payload, tailOffset };
  }

  private failure(f: BridgeFailure, request: BridgeRequest): ToolkitError {
    const target = this.id.slice(PYTHON_PREFIX.length);
    const tb = lastLines(f.traceback, 6);
    const detail = `${f.type}: ${f.message}${tb ? `\n${tb}` : ''}`;
    if (f.kind === 'import') {
      this.kill();
      return new ToolkitError('E_ENV_BRIDGE', `${this.id}: cannot import ${target} with ${this.python}: ${detail}`, {
        hint: `check that ${this.python} can import the module (the working directory is on sys.path; a file path resolves against it), or choose another interpreter with --python`,
      });
    }
    if (f.kind === 'construct') {
      this.kill();
      const kwargs = request.op === 'init' ? JSON.stringify(request.kwargs) : '{}';
      return new ToolkitError(
        'E_ENV_BRIDGE',
        `${this.id}: the constructor raised (keyword arguments ${kwargs}): ${detail}`,
        {
          hint: 'fix the constructor or its keyword arguments (--env-arg key=value, or the config key envArgs)',
        },
      );
    }
    return new ToolkitError('E_ENV_BRIDGE', `${this.id}: ${f.method}() raised ${detail}`, {
      hint: `fix the environment's ${f.method}(); a run continues from its last checkpoint with \`mast train --out DIR --resume\``,
    });
  }
}
