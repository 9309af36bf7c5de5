/**
 * `mast demo`: the whole pipeline on the embedded `quickstart` preset: train QMIX with MAST (dynamic sparse
 * topology, 90% of the weights zero) on `smaclite/3m`, show the topology evolving test phase by test
 * phase, export the agent to ONNX (sparse and dense), run it with onnxruntime-node against the tfjs
 * agent, time ONNX Runtime against the sparse engine on the same episodes, measure a random policy on
 * those episodes as the chance level, and end with one sentence saying what was shown.
 */
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  configHash,
  describeConfigDifferences,
  PRESETS,
  resolveConfig,
  type TrainConfig,
} from '../../src/config/index.js';
import { makeEnv } from '../../src/envs/registry.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { evaluateOnnxAgent, type EvalReport } from '../../src/verify/eval.js';
import { loadOrt } from '@mast-toolkit/runtime/internal/runtime/load-ort';
import { randomBaseline, type RandomBaseline } from '../../src/verify/random-baseline.js';
import { runPaths, savedRunConfig } from '../../src/run/run-dir.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import type { RunSummaryFile } from '../../src/marl/training/train.js';
import type { CliIo } from '../io.js';
import { BACKEND_HELP, backendOption, intAtLeast } from '../options.js';
import { commandLineOf, withConsoleLog } from '../console-log.js';
import { formatTable, percent } from '../table.js';
import { exportRun } from '../../src/onnx/export-run.js';
import { formatEvalReport } from './eval.js';

interface DemoOpts {
  out: string;
  steps?: number;
  seed?: number;
  episodes: number;
  backend: string;
  json?: boolean;
}

/** The summary of a run in `dir` that already finished `config` (same config, steps reached), else null. */
function finishedRun(dir: string, config: TrainConfig): RunSummaryFile | null {
  const path = runPaths(dir).summary;
  if (!existsSync(path)) return null;
  const summary = JSON.parse(readFileSync(path, 'utf8')) as RunSummaryFile;
  const same = configHash({ ...summary.config, steps: config.steps }) === configHash(config);
  return same && summary.completed && summary.counters.tEnv >= config.steps ? summary : null;
}

/**
 * Refuse a run directory holding a run of another config than this demo's (steps aside: a longer
 * demo extends it), e.g. one an earlier toolkit version's demo trained on another `compute` path;
 * training on would refuse too, with a hint about overriding options the user never gave.
 * @throws ConfigError naming the directory and the way out
 */
function refuseOtherRun(dir: string, config: TrainConfig): void {
  const saved = savedRunConfig(runPaths(dir));
  if (!saved || configHash({ ...saved, steps: config.steps }) === configHash(config)) return;
  const differing = describeConfigDifferences({ ...saved, steps: config.steps }, config);
  throw new ConfigError(
    `${dir} holds a run trained with another config than this demo's (differing: ${differing}), e.g. by an earlier version's demo or another --seed`,
    { hint: `delete ${dir} to train the demo again there, or pass --out DIR for a new directory` },
  );
}

/** The topology evolution of a run, one entry per test phase, from its metrics. */
function topologyPhases(dir: string): Array<{
  tEnv: number;
  testReturn: number;
  testWinRate: number | null;
  topologyUpdates: number;
  topologySwaps: number;
  exploredFraction: number | null;
}> {
  return readMetrics(runPaths(dir).metrics).map((r) => ({
    tEnv: r.tEnv,
    testReturn: r.testReturn,
    testWinRate: r.testWinRate,
    topologyUpdates: r.topologyUpdates,
    topologySwaps: r.topologySwaps,
    exploredFraction: r.exploredFraction ?? null,
  }));
}

/** {@link topologyPhases} as a table. */
function topologyTable(dir: string): string[] {
  const rows = topologyPhases(dir).map((r) => [
    String(r.tEnv),
    r.testReturn.toFixed(2),
    r.testWinRate === null ? '–' : percent(r.testWinRate),
    String(r.topologyUpdates),
    String(r.topologySwaps),
    r.exploredFraction === null ? '–' : r.exploredFraction.toFixed(3),
  ]);
  return formatTable(['step', 'test return', 'win', 'topology updates', 'weights moved', 'ever active'], rows).map(
    (l) => `  ${l}`,
  );
}

/** The closing sentence: what was shown, against what chance level. */
function conclusion(config: TrainConfig, report: EvalReport, chance: RandomBaseline): string {
  const trained =
    report.winRate === null
      ? `a mean return of ${report.meanReturn.toFixed(2)}`
      : `${percent(report.winRate)} wins (return ${report.meanReturn.toFixed(2)})`;
  const random =
    chance.winRate === null
      ? `a random policy's ${chance.meanReturn.toFixed(2)}`
      : `a random policy's ${percent(chance.winRate)} wins (return ${chance.meanReturn.toFixed(2)})`;
  const parity = report.parity
    ? `, and its ONNX export chose the tfjs agent's action in ${percent(report.parity.actionAgreement, 1)} of ${report.parity.decisions} decisions`
    : '';
  return `Shown: MAST trained a QMIX team on ${config.env} in ${config.steps} steps with ${(100 * (1 - report.density)).toFixed(0)}% of its agent weights zero, and over ${report.episodes} greedy episodes it scored ${trained} against ${random} on the same episodes${parity}.`;
}

/** Build the `demo` command. */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'train QMIX with MAST (90% sparse, evolving topology) on smaclite/3m, export it to ONNX, and verify it with onnxruntime-node (about a minute of CPU: README, "Try it")',
    )
    .option(
      '--out <dir>',
      'run directory (an existing demo run there is resumed, a finished one reused, never overwritten)',
      'runs/demo',
    )
    .option(
      '--steps <n>',
      `environment steps (default: the quickstart preset's ${PRESETS.quickstart.steps})`,
      intAtLeast(1),
    )
    .option(
      '--seed <n>',
      `seed of the run and of the evaluation episodes (default: the quickstart preset's ${PRESETS.quickstart.seed})`,
      intAtLeast(0),
    )
    .option(
      '--episodes <n>',
      'evaluation episodes (the trained agent, both engines and the random policy play the same ones)',
      intAtLeast(1),
      32,
    )
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the evaluation report as one JSON object (docs/cli-json.md)')
    .action(async (opts: DemoOpts, cmd: Command) => {
      const logged = withConsoleLog(io, commandLineOf(cmd)); // also into DIR/console.log
      const { runTraining } = await import('../run-training.js'); // tfjs: loaded when the command runs
      await loadOrt(); // the demo verifies with ONNX Runtime: without onnxruntime-node, stop before training (E_DEPENDENCY)
      const config = resolveConfig('quickstart', {
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.steps ? { steps: opts.steps } : {}),
      });
      const seed = config.seed;
      const t = config.topology;
      refuseOtherRun(opts.out, config);
      const finished = finishedRun(opts.out, config);
      if (finished) {
        logged.consoleLog?.open(opts.out, 'reusing the finished run');
        logged.err(
          `[1/4] reusing the finished run in ${opts.out} (${finished.counters.tEnv} steps trained earlier in ${finished.elapsedSec.toFixed(1)} s; delete the folder or pass another --out to train again)`,
        );
      } else {
        logged.err(
          `[1/4] training ${config.alg} with ${config.sparsity.mode.toUpperCase()} on ${config.env} for ${config.steps} steps → ${opts.out}: density ${config.sparsity.density} over the weight matrices of agent and mixer together (${config.sparsity.distribution.toUpperCase()} per matrix); every ${t.interval} updates until ${percent(t.endFraction)} of the steps, each matrix drops its weakest weights and regrows as many where the gradient is largest`,
        );
        // an interrupt ends the demo here (exit 130): a half-trained agent is not exported or evaluated
        const again = `mast demo --out ${opts.out}${opts.seed === undefined ? '' : ` --seed ${opts.seed}`}${opts.steps ? ` --steps ${opts.steps}` : ''}`;
        await runTraining(config, opts.out, true, opts.backend, logged, { resumeCommand: again });
      }
      if (!opts.json) {
        logged.out(
          `topology evolution per test phase (${opts.out}/metrics.jsonl; ever active: fraction of the masked weights used at some point so far):`,
        );
        for (const line of topologyTable(opts.out)) logged.out(line);
      }
      const sparsePath = join(opts.out, 'agent.onnx');
      const densePath = join(opts.out, 'agent.dense.onnx');
      const sparseBytes = exportRun(opts.out, sparsePath, 'sparse');
      const denseBytes = exportRun(opts.out, densePath, 'dense');
      logged.err(
        `[2/4] exported ${sparsePath} (${sparseBytes} bytes; dense export ${denseBytes} bytes, ${(denseBytes / sparseBytes).toFixed(1)}× larger)`,
      );
      logged.err(`[3/4] evaluating with onnxruntime-node over ${opts.episodes} episodes, against the tfjs agent`);
      const report = await evaluateOnnxAgent(sparsePath, {
        episodes: opts.episodes,
        seed,
        against: opts.out,
        backend: opts.backend,
      });
      logged.err(
        `[4/4] timing ONNX Runtime and the sparse engine alone on the same episodes; a random policy on them for the chance level`,
      );
      // The parity run interleaves the tfjs agent with every ONNX Runtime step, which slows ONNX
      // Runtime's steps (caches, allocator); the one latency reported is each engine timed alone.
      const [ort, sparse] = [
        await evaluateOnnxAgent(sparsePath, { episodes: opts.episodes, seed }),
        await evaluateOnnxAgent(sparsePath, { episodes: opts.episodes, seed, engine: 'sparse' }),
      ];
      report.latency = ort.latency;
      const engines = {
        ortMedianUs: ort.latency.medianUs,
        sparseMedianUs: sparse.latency.medianUs,
        sparseReturn: sparse.meanReturn,
      };
      const chance = randomBaseline(makeEnv(report.env), opts.episodes, seed);
      const sentence = conclusion(config, report, chance);
      if (opts.json) {
        logged.out(
          JSON.stringify({
            ...report,
            denseFileBytes: denseBytes,
            engines,
            randomPolicy: chance,
            topology: topologyPhases(opts.out),
            reusedFinishedRun: finished !== null,
            conclusion: sentence,
          }),
        );
        return;
      }
      for (const line of formatEvalReport(report)) if (!line.startsWith('  latency')) logged.out(line);
      const agents = makeEnv(report.env).getEnvInfo().nAgents;
      logged.out(
        `  latency     median per decision of all ${agents} agents, each engine timed alone: ONNX Runtime ${engines.ortMedianUs.toFixed(0)} µs, sparse engine ${engines.sparseMedianUs.toFixed(0)} µs (${(engines.ortMedianUs / engines.sparseMedianUs).toFixed(1)}× faster; return ${sparse.meanReturn.toFixed(3)} on the same episodes)`,
      );
      logged.out(
        `  chance      a random policy on the same episodes: return ${chance.meanReturn.toFixed(3)} ± ${chance.returnStd.toFixed(3)}${chance.winRate === null ? '' : `   win rate ${percent(chance.winRate, 1)}`}`,
      );
      const paths = runPaths(opts.out);
      logged.out(
        `  pictures    ${paths.curves} (test return and win rate), ${paths.sparsity} (density and weights ever active, per matrix)`,
      );
      logged.out(sentence);
    });
}
