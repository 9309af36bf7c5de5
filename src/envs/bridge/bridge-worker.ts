/**
 * The worker thread of the Python environment bridge: it owns the Python child process, writes the
 * main thread's request frames to its stdin, cuts its stdout into frames, and hands each answer
 * (and the process's exit, with the tail of its stderr) to the main thread through a message port,
 * then bumps and notifies the shared counter the main thread waits on (python-env.ts says why).
 */
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { WorkerEvent, WorkerInit, WorkerRequest } from './protocol.js';

const STDERR_TAIL_BYTES = 8192;
const init = workerData as WorkerInit;
const port: MessagePort = init.port;
const signal = new Int32Array(init.signal);

function send(event: WorkerEvent, transfer: ArrayBuffer[] = []): void {
  port.postMessage(event, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

const child = spawn(init.python, ['-u', init.script], {
  cwd: init.cwd,
  stdio: ['pipe', 'pipe', 'pipe'],
  env: process.env,
});
let stderrTail = '';
let pending: Buffer = Buffer.alloc(0);
let ended = false;

child.on('error', (err: NodeJS.ErrnoException) => {
  if (ended) return;
  ended = true;
  send({ kind: 'spawn-error', message: err.message, code: err.code ?? null });
});
child.on('spawn', () => send({ kind: 'started', pid: child.pid ?? -1 }));
child.stdin.on('error', () => undefined); // EPIPE after the child died: its exit event reports it
child.stderr.on('data', (chunk: Buffer) => {
  stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  // Straight to fd 2: a worker's process.stderr goes through the main thread's event loop, which is
  // blocked in Atomics.wait while the environment runs.
  if (init.echoStderr) writeSync(2, chunk);
});
child.stdout.on('data', (chunk: Buffer) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const length = pending.readUInt32LE(0);
    if (pending.length < 4 + length) break;
    const payload = new Uint8Array(length);
    payload.set(pending.subarray(4, 4 + length));
    pending = pending.subarray(4 + length);
    send({ kind: 'answer', payload }, [payload.buffer]);
  }
});
child.on('close', (code, sig) => {
  if (ended) return;
  ended = true;
  send({ kind: 'exit', code, signal: sig, stderr: stderrTail });
});

parentPort?.on('message', (req: WorkerRequest) => {
  if (req.kind === 'frame') {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(req.payload.length, 0);
    child.stdin.write(
      Buffer.concat([head, Buffer.from(req.payload.buffer, req.payload.byteOffset, req.payload.length)]),
    );
  } else if (req.kind === 'end') {
    child.stdin.end();
  }
});
