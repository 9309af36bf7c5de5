/**
 * The acting thread (`actingThread`): opens the training environments, then plays each requested
 * round of episodes in lockstep with the weights the request carries, on the kernels, and sends the
 * episodes back. No tfjs here: the agent steps on `KernelController`s.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { makeEnv, prepareEnv } from '../../envs/registry.js';
import type { MultiAgentEnv } from '../../envs/types.js';
import { Rng } from '../../util/rng.js';
import type { ActorFailure, ActorInit, ActorReply, PlayRequest } from './actor-protocol.js';
import { KernelAgent, KernelController } from './kernel-controller.js';
import { runEpisodesTogether } from './lockstep-runner.js';

if (!parentPort) throw new Error('actor-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;

function failure(err: unknown): ActorFailure {
  if (err instanceof ToolkitError) {
    const message = err.hint ? err.message.slice(0, err.message.length - `\n  hint: ${err.hint}`.length) : err.message;
    return { name: err.name, message, code: err.code, ...(err.hint ? { hint: err.hint } : {}), stack: err.stack };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack };
}

const send = (reply: ActorReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

async function main(): Promise<void> {
  const init = workerData as ActorInit;
  await prepareEnv(init.env);
  const envs: MultiAgentEnv[] = Array.from({ length: init.workers }, () => makeEnv(init.env, { args: init.envArgs }));
  const agent = new KernelAgent(init.arch);
  const controllers = envs.map((env) => new KernelController(agent, env.getEnvInfo().nAgents));
  port.on('message', (request: PlayRequest) => {
    try {
      agent.load(request.weights, request.masks);
      const rng = Rng.fromState(request.rng);
      const results = runEpisodesTogether(envs, controllers, request.seeds, request.epsilon, rng);
      const buffers = results.flatMap(({ episode: e }) =>
        [e.obs, e.state, e.avail, e.actions, e.reward, e.terminated].map((a) => a.buffer as ArrayBuffer),
      );
      send({ kind: 'played', results, rng: rng.getState() }, buffers);
    } catch (err) {
      send({ kind: 'failed', error: failure(err) });
    }
  });
  send({ kind: 'ready' });
}

main().catch((err: unknown) => send({ kind: 'failed', error: failure(err) }));
