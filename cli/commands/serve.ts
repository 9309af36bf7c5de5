/**
 * `mast serve`: an HTTP server over one ONNX agent (`src/serve/server.ts`): sessions are opened,
 * stepped and closed with JSON requests; concurrent steps run as one engine call per tick. SIGINT
 * and SIGTERM stop it gracefully: no new connections, in-flight requests answered, then the engine
 * released, and the command returns (exit 0). The server and the policy are imported inside the
 * action, so `mast --help` loads neither fastify nor an engine.
 */
import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { intAtLeast, oneOf } from '../options.js';
import {
  ENGINE_CHOICES,
  ORT_OPTIMIZATION_LEVELS,
  type EngineChoice,
  type OrtSessionOptions,
} from '@mast-toolkit/runtime/internal/runtime/engine-types';
import { autoNote } from '../engine-note.js';

/** Options of `mast serve`, as parsed. */
interface ServeCliOptions {
  port: number;
  host: string;
  engine: EngineChoice;
  ttl: number;
  maxSessions: number;
  maxBatch: number;
  bodyLimit: number;
  threads: number;
  graphOpt: NonNullable<OrtSessionOptions['graphOptimizationLevel']>;
}

/** Resolves on the first SIGINT or SIGTERM (with its name); `dispose` stops listening. */
function onStopSignal(): { stopped: Promise<NodeJS.Signals>; dispose: () => void } {
  let handler: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => (handler = resolve));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    stopped,
    dispose: () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    },
  };
}

/** Build the `serve` command. */
export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description(
      'serve an ONNX agent over HTTP: JSON endpoints open a session, step it (observations + available actions → actions) and close it; GET /healthz, GET /metrics (docs/deploy.md)',
    )
    .argument('<model>', '.onnx agent exported by `mast export`')
    .option('--port <n>', 'TCP port (0: any free port, printed at start)', intAtLeast(0), 8080)
    .option(
      '--host <address>',
      'address to listen on (0.0.0.0 to accept other machines: put a proxy with TLS and authentication in front)',
      '127.0.0.1',
    )
    .option(
      '--engine <name>',
      `engine: ${ENGINE_CHOICES.join(' | ')} (sparse: the toolkit's sparse kernels, work ∝ nonzeros, sessions batched in its SIMD lanes; auto: both timed on this model at load, the faster kept)`,
      oneOf(ENGINE_CHOICES),
      'ort',
    )
    .option('--ttl <seconds>', 'a session idle this long expires', intAtLeast(1), 60)
    .option('--max-sessions <n>', 'most sessions open at once (503 beyond)', intAtLeast(1), 10_000)
    .option(
      '--max-batch <n>',
      'most sessions stepped in one engine call (1: one call per request)',
      intAtLeast(1),
      1024,
    )
    .option('--body-limit <bytes>', 'largest request body (413 beyond)', intAtLeast(64), 1 << 20)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (0: one per core)', intAtLeast(0), 1)
    .option(
      '--graph-opt <level>',
      `ONNX Runtime graph optimisation: ${ORT_OPTIMIZATION_LEVELS.join(' | ')}`,
      oneOf(ORT_OPTIMIZATION_LEVELS),
      'all',
    )
    .action(async (path: string, opts: ServeCliOptions) => {
      if (opts.port > 65535) throw new RangeError(`--port must be at most 65535, got ${opts.port}`);
      const { StatelessPolicy } = await import('@mast-toolkit/runtime/internal/runtime/stateless-policy');
      const { buildServer } = await import('../../src/serve/server.js');
      const policy = await StatelessPolicy.create(path, {
        engine: opts.engine,
        ort: { intraOpNumThreads: opts.threads, graphOptimizationLevel: opts.graphOpt },
      });
      const signals = onStopSignal();
      try {
        const app = buildServer(policy, {
          ttlMs: opts.ttl * 1000,
          maxSessions: opts.maxSessions,
          maxBatch: opts.maxBatch,
          bodyLimit: opts.bodyLimit,
          onInternalError: (err) => io.err(`mast serve: internal error (answered 500): ${err.stack ?? err.message}`),
        });
        const address = await app.listen({ port: opts.port, host: opts.host }).catch((err: NodeJS.ErrnoException) => {
          throw new ToolkitError('E_IO', `mast serve cannot listen on ${opts.host}:${opts.port}: ${err.message}`, {
            hint:
              err.code === 'EADDRINUSE'
                ? 'another process holds the port: choose another with --port (0: any free port)'
                : 'check --host (an address of this machine) and --port',
            cause: err,
          });
        });
        const m = policy.metadata;
        io.out(
          `mast serve: ${path} (${m.env}, ${m.nAgents} agents, ${m.nActions} actions, observations of ${m.inputLayout.obs}) on the ${policy.engine} engine${autoNote(policy.engineTimes)}`,
        );
        io.out(`listening on ${address} (sessions expire after ${opts.ttl} s idle; Ctrl-C or SIGTERM stops)`);
        const signal = await signals.stopped;
        io.out(`mast serve: ${signal}: stopping (answering requests in flight)`);
        await app.close();
        io.out('mast serve: stopped');
      } finally {
        signals.dispose();
        await policy.close();
      }
    });
}
