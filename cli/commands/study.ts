/** `mast study` and `mast report`: train a grid of runs with resume, then tabulate and plot it. */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import {
  readStudy,
  runLabel,
  selectStudy,
  studyRuns,
  type StudyRun,
  type StudySelection,
} from '../../src/study/grid.js';
import { reportMarkdown, studyReport } from '../../src/study/report.js';
import { summaryFigure, summaryMarkdown, summaryRows } from '../../src/study/summary.js';
import { createProgress, type Progress } from '../../src/util/progress.js';
import { roughDuration } from '../../src/util/duration.js';
import type { StudyEstimate } from '../../src/study/estimate.js';
import { writeFileAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { CheckpointError, ConfigError, InterruptedError } from '@mast-toolkit/runtime/internal/util/errors';
import { BACKEND_HELP, backendOption, intAtLeast, listOf, numberIn } from '../options.js';
import { startStudyWorkers } from '../study-workers.js';
import type { CliIo } from '../io.js';
import { onInterrupt } from '../interrupt.js';

/** Options of `mast study`. */
interface StudyOptions extends StudySelection {
  list?: boolean;
  json?: boolean;
  backend: string;
  jobs: number;
  /** Set on the processes `--jobs` starts: report runs as lines under this label, no progress bar. */
  worker?: string;
  /** Put the runs on this Redis queue for `mast worker`s instead of training them here. */
  queue?: string;
  /** Copy the finished runs' results (no checkpoints) here instead of training. */
  archive?: string;
}

/**
 * `--list`'s closing words on the unfinished runs: `; of the 12 unfinished, 6 need about 2.5 h of
 * training (…); 6 have no finished run of their mode to go by`.
 */
function estimateNote(e: StudyEstimate): string {
  const unfinished = e.estimated + e.unestimated;
  if (unfinished === 0) return '';
  const parts = [];
  if (e.estimated > 0)
    parts.push(
      `${e.estimated} ${e.estimated === 1 ? 'needs' : 'need'} about ${roughDuration(e.seconds)} of training (one at a time, at the pace of the finished runs of their mode)`,
    );
  if (e.unestimated > 0)
    parts.push(`${e.unestimated} ${e.unestimated === 1 ? 'has' : 'have'} no finished run of their mode to go by`);
  return `; of the ${unfinished} unfinished, ${parts.join('; ')}`;
}

/** Build the `study` command. */
export function studyCommand(io: CliIo): Command {
  return new Command('study')
    .description(
      "train every unfinished run of a study (environments × learners × modes × densities × seeds); a killed study resumes, several processes can share one, and finished runs count only when their settings (config hash) match the study's",
    )
    .argument('<study>', 'study file (JSON; see docs/studies.md)')
    .option(
      '--list',
      'list the runs, the steps each has trained (its last checkpoint) and whether it is finished, training now, stopped or not started',
    )
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--jobs <n>', 'processes to train with, one run each at a time (e.g. one per core)', intAtLeast(1), 1)
    .option('--envs <list>', "only these of the study's environments (comma-separated)", listOf(String))
    .option('--algs <list>', 'only these learners', listOf(String))
    .option(
      '--modes <list>',
      'only these sparsity modes, e.g. dense,mast to train those before the baselines',
      listOf(String),
    )
    .option(
      '--densities <list>',
      'only these densities (dense runs stay unless --modes leaves them out)',
      listOf(numberIn(0, 1)),
    )
    .option('--seeds <list>', 'only these seeds', listOf(intAtLeast(0)))
    .option(
      '--queue <url>',
      'put the runs on a Redis queue (redis://HOST:PORT) for `mast worker`s on any number of machines instead of training them here; with --list, show their queue states',
    )
    .option(
      '--archive <dir>',
      "copy each finished run's config.json, summary.json and metrics.jsonl (not its checkpoint or snapshots) to DIR in the study's layout, instead of training, e.g. to keep results in git; copied back into the study's directory they count as finished and are reported",
    )
    .option('--json', 'print one JSON object at the end (with --list: the runs and the counts; docs/cli-json.md)')
    .addOption(new Option('--worker <label>').hideHelp())
    .action(async (file: string, opts: StudyOptions) => {
      const study = selectStudy(readStudy(file), opts);
      const runs = studyRuns(study);
      if (opts.archive) {
        if (opts.list || opts.queue)
          throw new ConfigError('--archive copies results; it does not go with --list or --queue', {
            hint: `run \`mast study ${file} --archive ${opts.archive}\` on its own`,
          });
        const { archiveStudy } = await import('../../src/study/archive.js');
        const done = archiveStudy(study, runs, opts.archive);
        if (opts.json) return io.out(JSON.stringify(done));
        const left = done.unfinished > 0 ? `; ${done.unfinished} not finished, left out` : '';
        return io.out(
          `archived ${done.archived.length} finished runs to ${opts.archive} (${done.unchanged} already there)${left}`,
        );
      }
      if (opts.queue) {
        const { enqueueStudyRuns, listQueuedRuns } = await import('./study-queue.js'); // bullmq: loaded when asked for
        return opts.list ? listQueuedRuns(io, opts.queue, runs) : enqueueStudyRuns(io, opts.queue, file, runs);
      }
      const { runStatus, runStudy, trainedSteps } = await import('../../src/study/run.js'); // tfjs: loaded when the command runs
      if (opts.list) {
        const { estimateRemaining } = await import('../../src/study/estimate.js');
        const counts = { finished: 0, training: 0, stopped: 0, 'not started': 0 };
        const progress = runs.map((run) => ({ run, status: runStatus(run.dir, run.config.steps) }));
        const estimate = estimateRemaining(
          progress.map(({ run, status }) => ({ run, steps: status.steps, finished: status.finished })),
        );
        const listed = progress.map(({ run, status: st }) => {
          const kind = st.finished
            ? 'finished'
            : st.heldBy !== null
              ? 'training'
              : st.steps > 0
                ? 'stopped'
                : 'not started';
          counts[kind] += 1;
          const state =
            kind === 'training' ? `training (pid ${st.heldBy})` : kind === 'stopped' ? 'stopped (resumes)' : kind;
          if (!opts.json)
            io.out(
              `${run.dir}  ${st.steps}/${run.config.steps}  ${state}${run.displaced ? `  (${run.displaced} holds other settings)` : ''}`,
            );
          return {
            dir: run.dir,
            env: run.env,
            alg: run.alg,
            mode: run.mode,
            density: run.density,
            seed: run.seed,
            steps: st.steps,
            budget: run.config.steps,
            state: kind,
            pid: st.heldBy,
          };
        });
        if (opts.json) return io.out(JSON.stringify({ runs: listed, counts, estimate }));
        const parts = Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => `${n} ${kind}`);
        return io.out(`${runs.length} runs: ${parts.join(', ')}${estimateNote(estimate)}`);
      }
      const finished = (): number => runs.filter((r) => trainedSteps(r.dir) >= r.config.steps).length;
      const doneBefore = finished();
      if (!opts.worker && !opts.json) for (const line of reuseLines(runs, trainedSteps)) io.out(line);
      const workers =
        opts.jobs > 1 ? startStudyWorkers(file, workerArgs(opts), opts.jobs - 1, (line) => io.out(line)) : null;
      const interrupt = onInterrupt(() => workers?.interrupt());
      const interrupted = interrupt.signal;
      const bar: { current: Progress | null } = { current: null }; // the run in progress
      try {
        const result = await runStudy(study, {
          backend: opts.backend,
          signal: interrupted,
          onRun: (run, i, n, resuming) => {
            if (opts.worker) return io.out(`${runLabel(run)}${resuming ? ' (resumed)' : ''}: started`);
            bar.current = createProgress({
              total: run.config.steps,
              label: `[${i + 1}/${n}] ${runLabel(run)}${resuming ? ' (resumed)' : ''}`,
              stream: io.progressStream,
            });
          },
          onEpisode: (tEnv, steps) => bar.current?.update(Math.min(tEnv, steps)),
          // each run's own outcome: the study as a whole can be unfinished while this run is done
          onRunEnd: (run, completed, diverged) => {
            const blewUp = diverged
              ? ` (warning: training blew up, mean loss ${diverged.loss.toExponential(2)} at step ${diverged.tEnv}; summary.json records it)`
              : '';
            const outcome = `${completed ? 'done' : 'stopped with a checkpoint'}${blewUp}`;
            if (opts.worker) return io.out(`${runLabel(run)}: ${outcome}`);
            bar.current?.done(outcome);
            bar.current = null;
          },
        });
        if (opts.worker) {
          io.out(`trained ${result.trained} of the study's ${runs.length} runs`);
          if (interrupted.aborted && !result.completed) throw new InterruptedError('stopped by the interrupt');
          return;
        }
        if (opts.json) {
          const failedWorkers = (await workers?.finished()) ?? 0;
          const done = finished();
          io.out(
            JSON.stringify({
              runs: runs.length,
              doneBefore,
              trainedNow: done - doneBefore,
              left: runs.length - done,
              stoppedEarly: interrupted.aborted,
              heldElsewhere: result.heldElsewhere,
              jobs: opts.jobs,
              failedWorkers,
            }),
          );
          if (interrupted.aborted && done < runs.length)
            throw new InterruptedError(
              `the study stopped with ${runs.length - done} runs left; continue with: mast study ${file}`,
            );
          return;
        }
        const failed = (await workers?.finished()) ?? 0;
        if (failed > 0)
          io.err(
            `${failed} of ${opts.jobs - 1} worker processes failed (their lines above say why); the runs they held resume on the next \`mast study\``,
          );
        const done = finished();
        const left = runs.length - done;
        const by = opts.jobs > 1 ? ` by ${opts.jobs} processes` : '';
        const elsewhere = !workers && !interrupted.aborted && result.heldElsewhere > 0;
        const rest =
          left === 0
            ? ''
            : elsewhere
              ? `, ${left} left to another process training this study`
              : `, ${left} left; stopped early — run the same command to continue`;
        io.out(`${runs.length} runs: ${doneBefore} already done, ${done - doneBefore} trained now${by}${rest}`);
        if (interrupted.aborted && left > 0)
          throw new InterruptedError(`the study stopped with ${left} runs left; continue with: mast study ${file}`);
      } finally {
        interrupt.dispose();
      }
    });
}

/** Up to three directories, then how many more. */
function someDirs(dirs: readonly string[]): string {
  return dirs.length <= 3 ? dirs.join(', ') : `${dirs.slice(0, 3).join(', ')} and ${dirs.length - 3} more`;
}

/** What a study reuses and what it leaves alone: finished runs of the same settings, runs of others. */
function reuseLines(runs: readonly StudyRun[], trainedSteps: (dir: string) => number): string[] {
  const lines: string[] = [];
  const reused = runs.filter((r) => trainedSteps(r.dir) >= r.config.steps);
  if (reused.length > 0)
    lines.push(
      `reusing ${reused.length} finished runs whose settings match the study's (config hash): ${someDirs(reused.map((r) => r.dir))}`,
    );
  const displaced = runs.filter((r) => r.displaced !== null);
  if (displaced.length > 0) {
    lines.push(
      `${displaced.length} run directories hold runs of other settings (the study changed since they were trained); they are left alone and not counted, and these runs train beside them: ${someDirs(displaced.map((r) => r.dir))}`,
    );
  }
  return lines;
}

/** The options a worker process repeats: the backend and the part of the grid. */
function workerArgs(opts: StudyOptions): string[] {
  const args = ['--backend', opts.backend];
  for (const key of ['envs', 'algs', 'modes', 'densities', 'seeds'] as const) {
    const values = opts[key];
    if (values !== undefined) args.push(`--${key}`, values.join(','));
  }
  return args;
}

/** Build the `report` command. */
export function reportCommand(io: CliIo): Command {
  return new Command('report')
    .description(
      "tables (final return normalised to dense, total size, training and inference FLOPs) and learning curves of a study's finished runs; with several studies, one summary table and chart of every mode's return relative to dense",
    )
    .argument('<studies...>', 'study file(s) (JSON)')
    .option(
      '--out <dir>',
      'write the tables (tables.md, or summary.md for several studies) and the figures (one SVG per environment, learner and density, or summary.svg) here',
    )
    .option('--json', 'print the table rows as JSON')
    .action((files: string[], opts: { out?: string; json?: boolean }) => {
      const all = files.map((file) => {
        const study = readStudy(file);
        return { file, steps: study.steps, runs: studyRuns(study).length, report: studyReport(study) };
      });
      // a study none of whose runs reached its budget has nothing to report: say which, and fail when all are
      const empty = all.filter((r) => r.report.rows.length === 0);
      const reports = all.filter((r) => r.report.rows.length > 0);
      const describe = (r: (typeof all)[number]): string =>
        `${r.file} (${r.runs} runs, none finished at ${r.steps} steps)`;
      if (reports.length === 0) {
        throw new CheckpointError(
          `nothing to report: ${empty.length === 1 ? 'the study has' : 'the studies have'} no finished runs: ${empty.map(describe).join('; ')}`,
          {
            hint: `train them with \`mast study ${files[0]}\`; \`mast study ${files[0]} --list\` shows each run's state`,
          },
        );
      }
      if (empty.length > 0) io.err(`left out, no finished runs: ${empty.map(describe).join('; ')}`);
      if (all.length === 1) {
        const { report } = reports[0]!;
        if (opts.out) {
          writeFileAtomic(join(opts.out, 'tables.md'), reportMarkdown(report));
          for (const [name, svg] of Object.entries(report.figures)) writeFileAtomic(join(opts.out, name), svg);
        }
        return io.out(opts.json ? JSON.stringify(report.rows) : reportMarkdown(report));
      }
      const rows = summaryRows(reports);
      if (opts.out) {
        const note = empty.length === 0 ? '' : `\nLeft out, no finished runs: ${empty.map(describe).join('; ')}.\n`;
        writeFileAtomic(join(opts.out, 'summary.md'), summaryMarkdown(rows) + note);
        writeFileAtomic(join(opts.out, 'summary.svg'), summaryFigure(rows));
      }
      io.out(opts.json ? JSON.stringify(rows) : summaryMarkdown(rows));
    });
}
