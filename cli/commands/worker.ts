/** `mast worker`: train runs of queued studies (`mast study STUDY.json --queue URL`) until stopped. */
import { Command } from 'commander';
import { hostname } from 'node:os';
import { createProgress, type Progress } from '../../src/util/progress.js';
import { BACKEND_HELP, backendOption, numberIn } from '../options.js';
import type { CliIo } from '../io.js';
import { onInterrupt } from '../interrupt.js';
import { InterruptedError } from '@mast-toolkit/runtime/internal/util/errors';

interface WorkerCliOptions {
  queue: string;
  backend: string;
  name?: string;
  lockDuration: number;
  exitWhenEmpty?: boolean;
}

/** Build the `worker` command. */
export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description(
      'take runs of queued studies off a Redis queue and train them, one at a time, in their (shared) run directories; a run whose worker died is taken over from its last checkpoint',
    )
    .requiredOption('--queue <url>', 'the study queue: redis://HOST:PORT[/DB]')
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--name <label>', 'how this worker names itself in the queue and in `mast study --list` (default HOST:PID)')
    .option(
      '--lock-duration <seconds>',
      "how long a dead worker's run waits before another worker takes it over",
      numberIn(1, 86_400),
      120,
    )
    .option(
      '--exit-when-empty',
      'stop once the queue holds nothing waiting or in training (default: wait for more runs until Ctrl-C)',
    )
    .action(async (opts: WorkerCliOptions) => {
      const name = opts.name ?? `${hostname()}:${process.pid}`;
      const interrupt = onInterrupt();
      const bar: { current: Progress | null } = { current: null };
      try {
        const { runWorker } = await import('../../src/study/queue/worker.js'); // tfjs and bullmq: loaded when the command runs
        const summary = await runWorker(opts.queue, {
          name,
          backend: opts.backend,
          lockDurationMs: opts.lockDuration * 1000,
          ...(opts.exitWhenEmpty ? { exitWhenEmpty: true } : {}),
          signal: interrupt.signal,
          onReady: () => io.out(`worker ${name}: waiting for runs on ${opts.queue}`),
          onRunStart: (data, resuming) => {
            const label = `${data.label}${resuming ? ' (resumed)' : ''}`;
            if (io.progressStream.isTTY)
              bar.current = createProgress({ total: data.config.steps, label, stream: io.progressStream });
            else io.out(`${label}: started in ${data.dir}`);
          },
          onLockTakenOver: (data, from) =>
            io.err(
              `${data.label}: took over ${data.dir}/run.lock from process ${from.pid} on ${from.host}, whose job the queue gave to this worker`,
            ),
          onEpisode: (tEnv, steps) => bar.current?.update(Math.min(tEnv, steps)),
          onRunEnd: (data, finished) => {
            const outcome = finished ? 'done' : 'stopped with a checkpoint, back on the queue';
            if (bar.current) bar.current.done(outcome);
            else io.out(`${data.label}: ${outcome}`);
            bar.current = null;
          },
        });
        const failed =
          summary.failed > 0
            ? `, ${summary.failed} failed (see \`mast study STUDY.json --queue ${opts.queue} --list\`)`
            : '';
        io.out(
          `worker ${name}: ${summary.finished} runs finished${summary.returned ? `, ${summary.returned} put back on the queue` : ''}${failed}`,
        );
        if (interrupt.signal.aborted)
          throw new InterruptedError(
            `worker ${name} stopped; its run (if any) is back on the queue with a checkpoint; continue with: mast worker --queue ${opts.queue}`,
          );
      } finally {
        interrupt.dispose();
      }
    });
}
