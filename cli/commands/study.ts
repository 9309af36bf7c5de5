/** `mast study` and `mast report`: train a grid of runs with resume, then tabulate and plot it. */
import { Command } from 'commander';
import { join } from 'node:path';
import { readStudy, studyRuns } from '../../src/study/grid.js';
import { runStudy, trainedSteps } from '../../src/study/run.js';
import { reportMarkdown, studyReport } from '../../src/study/report.js';
import { createProgress, type Progress } from '../../src/util/progress.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { BACKEND_HELP, backendOption } from '../options.js';
import type { CliIo } from '../io.js';

/** Build the `study` command. */
export function studyCommand(io: CliIo): Command {
  return new Command('study')
    .description('train every unfinished run of a study (environments × learners × modes × densities × seeds); a killed study resumes, and several processes can share one')
    .argument('<study>', 'study file (JSON; see docs/results.md)')
    .option('--list', 'list the runs and how far each has trained, without training')
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .action(async (file: string, opts: { list?: boolean; backend: string }) => {
      const study = readStudy(file);
      if (opts.list) {
        for (const run of studyRuns(study)) io.out(`${run.dir}  ${trainedSteps(run.dir)}/${run.config.steps}`);
        return;
      }
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      const bar: { current: Progress | null } = { current: null }; // the run in progress
      try {
        const result = await runStudy(study, {
          backend: opts.backend,
          signal: abort.signal,
          onRun: (run, i, n, resuming) => {
            bar.current?.done('done');
            bar.current = createProgress({ total: run.config.steps, label: `[${i + 1}/${n}] ${run.env} ${run.alg} ${run.mode}${run.mode === 'dense' ? '' : ` ${run.density}`} seed ${run.seed}${resuming ? ' (resumed)' : ''}`, stream: io.progressStream });
          },
          onEpisode: (tEnv, steps) => bar.current?.update(Math.min(tEnv, steps)),
        });
        bar.current?.done(result.completed ? 'done' : 'stopped with a checkpoint');
        io.out(`${result.runs} runs: ${result.alreadyDone} already done, ${result.trained} trained now${result.heldElsewhere > 0 ? `, ${result.heldElsewhere} being trained by another process` : ''}${result.completed || result.heldElsewhere > 0 ? '' : '; stopped early — run the same command to continue'}`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}

/** Build the `report` command. */
export function reportCommand(io: CliIo): Command {
  return new Command('report')
    .description("tables (final return normalised to dense, weights kept, training and inference FLOPs) and learning curves of a study's finished runs")
    .argument('<study>', 'study file (JSON)')
    .option('--out <dir>', 'write tables.md and one SVG per environment, learner and density here')
    .option('--json', 'print the table rows as JSON')
    .action((file: string, opts: { out?: string; json?: boolean }) => {
      const report = studyReport(readStudy(file));
      if (opts.out) {
        writeFileAtomic(join(opts.out, 'tables.md'), reportMarkdown(report));
        for (const [name, svg] of Object.entries(report.figures)) writeFileAtomic(join(opts.out, name), svg);
      }
      if (opts.json) io.out(JSON.stringify(report.rows));
      else io.out(reportMarkdown(report));
    });
}
