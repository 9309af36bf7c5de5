/**
 * The second update thread (`updateThreads: 2`): its own kernel copies of the online and target
 * agents (`AgentUnroll`, in its own WebAssembly memory), loaded with the weights the main thread sends
 * when they change; per update it runs both agents' forward passes over its half of the batch's
 * episodes, then the online agent's backward pass through time, writing Q and the gradients into
 * shared memory. Each answer goes on the message port, then the shared counter is bumped and notified
 * (the main thread waits on it in `Atomics.wait`: `update-thread.ts`). No tfjs here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AgentUnroll } from '../../kernels/agent-unroll.js';
import {
  describeFailure,
  rebuildFailure,
  type UpdateFailure,
  type UpdateReply,
  type UpdateRequest,
  type UpdateWorkerInit,
} from './update-protocol.js';

if (!parentPort) throw new Error('update-worker.ts runs as a worker thread');
const init = workerData as UpdateWorkerInit;
const signal = new Int32Array(init.signal);
const nets = { online: new AgentUnroll(init.dims), target: new AgentUnroll(init.dims) };
let loadFailure: UpdateFailure | null = null; // a failed load is reported by the next answer

function reply(r: UpdateReply): void {
  init.port.postMessage(r);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function serve(req: UpdateRequest): void {
  if (req.kind === 'load') {
    const net = nets[req.net];
    if (req.masks) net.load(req.weights, req.masks);
    else net.loadValues(req.weights);
    return;
  }
  if (loadFailure) throw rebuildFailure(loadFailure, 'loading weights');
  if (req.kind === 'forward') {
    const { packed, steps, rows, agents } = req;
    nets.target.forwardPacked(packed, steps, rows, agents, 1, req.targetQs); // [episodes, T, agents, A]
    nets.online.forwardPacked(packed, steps, rows, agents, 0, req.qs); // [episodes, T+1, agents, A], kept for backward
  } else {
    nets.online.backwardPacked(req.dq, req.agents, req.grads);
  }
  reply({ kind: 'done' });
}

parentPort.on('message', (req: UpdateRequest) => {
  try {
    serve(req);
  } catch (err) {
    if (req.kind === 'load') loadFailure ??= describeFailure(err);
    else reply({ kind: 'failed', error: describeFailure(err) });
  }
});
