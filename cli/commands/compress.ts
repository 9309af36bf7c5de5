/** `mast compress`: go on training a trained run with MAST while pruning it by magnitude. */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import {
  DENSITY_DISTRIBUTIONS,
  PRUNING_SCHEDULES,
  deriveConfig,
  type PruningSchedule,
  type TrainConfig,
} from '../../src/config/index.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';
import type { ModelProvenance } from '@mast-toolkit/runtime/internal/snapshot/types';
import { flopsPerDecision, sha256 } from '../agent-source.js';
import { readSnapshot } from '../../src/snapshot/io.js';
import { agentWeightDensity } from '../../src/snapshot/size.js';
import { MASKED_AGENT_TENSORS } from '@mast-toolkit/runtime/internal/snapshot/types';
import {
  COMPRESS_TARGETS,
  compressConfig,
  compressionReport,
  type CompressTargets,
  type TestPoint,
} from '../../src/marl/compress/compress.js';
import { readConfigOverrides } from '../config-file.js';
import { BACKEND_HELP, backendOption, intAtLeast, numberIn, oneOf } from '../options.js';
import { commandLineOf, withConsoleLog } from '../console-log.js';
import { addEnvOptions, envOptionsFrom, type EnvCliOptions } from '../env-options.js';
import type { CliIo } from '../io.js';
import type { OfflineCompressOpts } from './compress-offline.js';
import { DISTILL_LR_SCHEDULES } from '../../src/marl/compress/lr-schedule.js';
import { percent } from '../table.js';

/** Options of `mast compress`: the online ones, and with `--data` those of {@link OfflineCompressOpts}. */
interface CompressOpts extends EnvCliOptions, Omit<OfflineCompressOpts, 'data'> {
  data?: string;
  steps: number;
  prune: PruningSchedule;
  targets: CompressTargets;
  config?: string;
  resume?: boolean;
}

const describe = (p: TestPoint | null): string =>
  p
    ? `return ${p.return.toFixed(3)}${p.winRate === null ? '' : `, win rate ${percent(p.winRate)}`} (step ${p.tEnv})`
    : 'n/a';

/** Build the `compress` command. */
export function compressCommand(io: CliIo): Command {
  const cmd = new Command('compress')
    .description(
      'go on training a trained run with MAST while pruning it by magnitude to a density (gradually over the first half of the steps by default); with --data, offline: prune an agent while distilling its own Q-values over recorded episodes, no environment needed',
    )
    .argument(
      '<run>',
      'trained run directory (from mast train), or an imported agent (from mast import); with --data also an .onnx model exported by this toolkit',
    )
    .requiredOption(
      '--out <dir>',
      'run directory of the compressed agent (with console.log: what this command prints, appended per session)',
    )
    .requiredOption('--density <d>', 'global density to keep, in (0, 1)', numberIn(0, 1))
    .option('--steps <n>', 'environment steps of training while and after pruning', intAtLeast(1), 10_000)
    .option(
      '--distribution <name>',
      `per-layer density: ${DENSITY_DISTRIBUTIONS.join(' | ')} (default: the run's)`,
      oneOf(DENSITY_DISTRIBUTIONS),
    )
    .option(
      '--targets <which>',
      "mast: MAST's TD targets and replay (Soft Mellowmax, hybrid TD(λ), dual buffer); source: keep the source run's",
      oneOf(COMPRESS_TARGETS),
      'mast',
    )
    .option(
      '--prune <schedule>',
      `${PRUNING_SCHEDULES.join(' | ')}: cut to the density at once, or gradually (Zhu & Gupta's cubic schedule)`,
      oneOf(PRUNING_SCHEDULES),
      'gradual',
    )
    .option(
      '--prune-end <f>',
      'gradual: the fraction of the steps by which the density is reached (1: the run ends there)',
      numberIn(0, 1),
      0.5,
    )
    .option(
      '--config <file>',
      'JSON file of config overrides on top of the compression\'s, e.g. {"optimizer": {"lr": 0.0001}} (unknown keys are errors)',
    )
    .option('--resume', 'continue an interrupted compression in --out (with the same options)')
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the before/after report as one JSON object')
    .option(
      '--data <episodes>',
      'offline compression: distil over these recorded episodes (from mast record) instead of training in the environment; --steps, --targets, --prune, --config and --resume do not apply',
    )
    .option('--updates <n>', 'offline: gradient updates of the distillation', intAtLeast(1), 4000)
    .option('--batch-size <n>', 'offline: episodes per update', intAtLeast(1), 32)
    .option('--lr <x>', 'offline: Adam learning rate', numberIn(0, 1), 1e-3)
    .option(
      '--lr-schedule <name>',
      `offline: ${DISTILL_LR_SCHEDULES.join(' | ')}: the learning rate throughout, or the learning rate while pruning and then a cosine decay to 5% of it by the last update`,
      oneOf(DISTILL_LR_SCHEDULES),
      'constant',
    )
    .option(
      '--held-out <f>',
      'offline: fraction of the episodes kept out of training to measure agreement on',
      numberIn(0, 0.9),
      0.2,
    )
    .option(
      '--policy-weight <b>',
      'offline: weight of the policy term (KL between the softmaxes of the two Q-values) beside the value term; 0 distils values alone',
      numberIn(0, 1000),
      1,
    )
    .option(
      '--temperature <t>',
      "offline: the policy term's temperature, in units of the source's Q-value spread",
      numberIn(0, 100),
      0.05,
    )
    .option('--seed <n>', 'offline: seed of the held-out split and the batches', intAtLeast(0), 0);
  return addEnvOptions(cmd).action(async (run: string, opts: CompressOpts, command: Command) => {
    const logged = withConsoleLog(io, commandLineOf(command)); // also into DIR/console.log
    if (opts.data) {
      const { compressOffline } = await import('./compress-offline.js'); // tfjs: loaded when the command runs
      return compressOffline(logged, run, { ...opts, data: opts.data });
    }
    const base = compressConfig(run, {
      density: opts.density,
      steps: opts.steps,
      schedule: opts.prune,
      pruneEnd: opts.pruneEnd,
      targets: opts.targets,
      ...(opts.distribution ? { distribution: opts.distribution } : {}),
    });
    const overridden = opts.config ? deriveConfig(base, readConfigOverrides(opts.config)) : base;
    const config = opts.envArg ? deriveConfig(overridden, { envArgs: opts.envArg }) : overridden; // e.g. an imported agent's environment arguments
    const { runTraining } = await import('../run-training.js'); // tfjs: loaded when the command runs
    await runTraining(config, opts.out, opts.resume === true, opts.backend, logged, {
      warmStartFrom: run,
      provenance: onlineProvenance(run, config),
      resumeCommand: `mast compress ${run} --out ${opts.out} --density ${opts.density} --resume (with this call's other options)`,
      envOptions: envOptionsFrom(opts),
    });
    const report = compressionReport(run, opts.out, opts.density);
    const compressed = readSnapshot(runPaths(opts.out).snapshot);
    const flops = flopsPerDecision(readSnapshot(runPaths(run).snapshot), compressed);
    const agentDensity = agentWeightDensity(compressed.tensors, MASKED_AGENT_TENSORS);
    if (opts.json) {
      logged.out(JSON.stringify({ out: opts.out, ...report, agentDensity, flopsPerDecision: flops }));
      return;
    }
    logged.out(`source (${run}):  ${describe(report.source)}`);
    logged.out(
      `pruned to ${opts.density}${opts.prune === 'gradual' ? ' (gradually)' : ''}:   ${describe(report.pruned)}`,
    );
    logged.out(`recovered (${opts.out}): ${describe(report.recovered)}`);
    logged.out(
      `density ${opts.density} over the weight matrices of agent and mixer together (the run's budget); the agent's own weight matrices: ${agentDensity.toFixed(3)}`,
    );
    logged.out(
      `FLOPs per agent decision: ${flops.source} → ${flops.compressed} (×${flops.ratio.toFixed(3)}; the agent network alone: the mixer does not act)`,
    );
    if (report.trainFlopsRatio !== null)
      logged.out(
        `FLOPs vs dense: training ×${report.trainFlopsRatio.toFixed(3)}, inference ×${report.inferenceFlopsRatio?.toFixed(3)}`,
      );
  });
}

/** What an online compression starts from: the source run's agent snapshot, its density and last test return. */
function onlineProvenance(run: string, config: TrainConfig): ModelProvenance {
  const paths = runPaths(run);
  const last = readMetrics(paths.metrics).at(-1);
  return {
    method: 'online-mast',
    source: {
      path: paths.snapshot,
      sha256: sha256(readFileSync(paths.snapshot)),
      density: config.pruning.startDensity,
      return: last ? last.testReturn : null,
    },
    steps: config.steps,
  };
}
