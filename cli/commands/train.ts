/** `mast train`: train a QMIX-family learner into a run directory, or resume one. */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import {
  ALGORITHMS,
  DENSITY_DISTRIBUTIONS,
  SPARSITY_MODES,
  PRESETS,
  RUNNER_NAMES,
  COMPUTE_MODES,
  resolveConfig,
  parseConfig,
  type TrainConfig,
  type DeepPartial,
} from '../../src/config/index.js';
import { runPaths, savedRunConfig } from '../../src/run/run-dir.js';
import { ConfigError, CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { readConfigOverrides } from '../config-file.js';
import { BACKEND_HELP, backendOption, intAtLeast, numberIn, oneOf } from '../options.js';
import { commandLineOf, withConsoleLog } from '../console-log.js';
import { ENV_ID_HELP, addEnvOptions, envOptionsFrom, type EnvCliOptions } from '../env-options.js';
import type { CliIo } from '../io.js';
import { percent } from '../table.js';

interface TrainOpts extends EnvCliOptions {
  out: string;
  env?: string;
  alg?: TrainConfig['alg'];
  steps?: number;
  seed?: number;
  sparsity?: TrainConfig['sparsity']['mode'];
  density?: number;
  distribution?: TrainConfig['sparsity']['distribution'];
  preset: string;
  config?: string;
  resume?: boolean;
  envWorkers?: number;
  runner?: TrainConfig['runner'];
  actingThread?: boolean;
  updateThreads?: TrainConfig['updateThreads'];
  compute?: TrainConfig['compute'];
  backend: string;
  json?: boolean;
}

/** The config a `train` invocation asks for, and a note to print before training when there is one. */
export interface TrainRequest {
  config: TrainConfig;
  /** Said before training starts (e.g. that a resumed run had no checkpoint yet). */
  note: string | null;
}

/**
 * The config a `train` invocation asks for: preset ← --config file ← flags; or, with --resume, the
 * run's own (`config.json`), which no option but --steps may change. A run killed before its first
 * checkpoint has its config.json alone: it trains again from step 0, and the note says so.
 */
export async function configFromOptions(opts: TrainOpts): Promise<TrainRequest> {
  const flags: DeepPartial<TrainConfig> = {
    env: opts.env,
    envArgs: opts.envArg,
    envWorkers: opts.envWorkers,
    runner: opts.runner,
    actingThread: opts.actingThread,
    updateThreads: opts.updateThreads,
    compute: opts.compute,
    alg: opts.alg,
    steps: opts.steps,
    seed: opts.seed,
    sparsity: { mode: opts.sparsity, density: opts.density, distribution: opts.distribution },
  };
  if (!opts.resume)
    return {
      config: resolveConfig(opts.preset, opts.config ? readConfigOverrides(opts.config) : {}, flags),
      note: null,
    };
  const paths = runPaths(opts.out);
  const checkpointed = existsSync(paths.checkpoint);
  if (!checkpointed && !existsSync(paths.config)) {
    throw new CheckpointError(`${opts.out} holds no run to resume (no checkpoint.mast or config.json)`, {
      hint: 'drop --resume to start a new run there, or give the --out directory of the run to continue',
    });
  }
  const given = (
    [
      'env',
      'envArg',
      'envWorkers',
      'runner',
      'actingThread',
      'updateThreads',
      'compute',
      'alg',
      'seed',
      'sparsity',
      'density',
      'distribution',
      'config',
    ] as const
  ).filter((k) => opts[k] !== undefined);
  if (given.length > 0) {
    const flag = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new ConfigError(
      `--resume continues ${opts.out} with its saved config; it cannot be combined with --${given.map(flag).join(', --')}`,
      {
        hint: 'drop those options (only --steps may extend a resumed run), or train a new run in another --out directory',
      },
    );
  }
  const saved = savedRunConfig(paths);
  if (!saved)
    throw new CheckpointError(`${paths.config} is missing`, {
      hint: 'the run directory is incomplete; start a new run',
    });
  const config = parseConfig({ ...saved, steps: opts.steps ?? saved.steps }, 'resumed config');
  const note = checkpointed
    ? null
    : `${opts.out} has no checkpoint yet: training its config.json (${saved.env}, ${saved.alg}, seed ${saved.seed}) again from step 0`;
  return { config, note };
}

/** Build the `train` command. */
export function trainCommand(io: CliIo): Command {
  const cmd = new Command('train')
    .description('train a learner (pymarl QMIX defaults) and checkpoint it to a run directory')
    .requiredOption(
      '--out <dir>',
      'run directory: config, checkpoint, agent snapshot, metrics.jsonl, SVG curves, console.log (what this command prints, appended per session)',
    )
    .option('--env <id>', ENV_ID_HELP);
  return addEnvOptions(cmd)
    .option(
      '--env-workers <n>',
      'environments played at once, in lockstep (a Python environment: one process each); config key envWorkers',
      intAtLeast(1),
    )
    .option(
      '--runner <name>',
      `${RUNNER_NAMES.join(' | ')}: one learner update per episode, or one per round of --env-workers episodes (pymarl's ParallelRunner); config key runner`,
      oneOf(RUNNER_NAMES),
    )
    .option(
      '--acting-thread',
      'play the next round of episodes in a worker thread while the learner updates, with the weights from before that update (one update of lag: another run, as deterministic); config key actingThread',
    )
    .option(
      '--update-threads <n>',
      "1 | 2: threads of the learner update (compute arrays only); with 2 a worker thread runs half of each batch's episodes through the agent, forward and backward (deterministic per seed and thread count; 1 and 2 agree within float rounding); config key updateThreads",
      (value: string) => Number(oneOf(['1', '2'] as const)(value)) as TrainConfig['updateThreads'],
    )
    .option(
      '--compute <mode>',
      `${COMPUTE_MODES.join(' | ')}: where the learner's math runs — arrays (the default: the whole update on plain arrays and the WebAssembly kernels, no tfjs), kernels (the networks' products on the kernels, mixing, targets and loss in tfjs), tfjs (tfjs ops throughout, the reference); config key compute`,
      oneOf(COMPUTE_MODES),
    )
    .option('--alg <name>', `learner: ${ALGORITHMS.join(' | ')}`, oneOf(ALGORITHMS))
    .option(
      '--steps <n>',
      `environment steps to train for (default: the preset's: ${Object.keys(PRESETS)
        .map((name) => `${name} ${resolveConfig(name).steps.toLocaleString('en-US')}`)
        .join(', ')})`,
      intAtLeast(1),
    )
    .option('--seed <n>', 'seed of the run', intAtLeast(0))
    .option('--sparsity <mode>', `sparsity mode: ${SPARSITY_MODES.join(' | ')}`, oneOf(SPARSITY_MODES))
    .option('--density <d>', 'global density of the masked weights, in (0, 1]', numberIn(0, 1))
    .option(
      '--distribution <name>',
      `per-layer density: ${DENSITY_DISTRIBUTIONS.join(' | ')}`,
      oneOf(DENSITY_DISTRIBUTIONS),
    )
    .option(
      '--preset <name>',
      `config preset: ${Object.keys(PRESETS).join(' | ')}`,
      oneOf(Object.keys(PRESETS)),
      'default',
    )
    .option('--config <file>', 'JSON file of config overrides (unknown keys are errors)')
    .option(
      '--resume',
      'continue the run saved in --out from its last checkpoint, with its own config (with none yet: from step 0)',
    )
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the final metrics as one JSON object')
    .action(async (opts: TrainOpts, cmd: Command) => {
      const logged = withConsoleLog(io, commandLineOf(cmd)); // also into DIR/console.log
      const { config, note } = await configFromOptions(opts);
      if (note) logged.err(note);
      const { runTraining } = await import('../run-training.js'); // tfjs: loaded when the command runs
      const summary = await runTraining(config, opts.out, opts.resume === true, opts.backend, logged, {
        envOptions: envOptionsFrom(opts),
      });
      if (opts.json) {
        logged.out(
          JSON.stringify({
            out: opts.out,
            completed: summary.completed,
            counters: summary.counters,
            last: summary.last,
            diverged: summary.diverged,
          }),
        );
      } else if (summary.last) {
        const l = summary.last;
        logged.out(
          `${opts.out}: step ${l.tEnv}, test return ${l.testReturn.toFixed(3)} ± ${l.testReturnStd.toFixed(3)}, ${l.testWinRate === null ? '' : `win rate ${percent(l.testWinRate)}, `}density ${l.globalDensity.toFixed(3)}, train FLOPs ×${l.trainFlopsRatio.toFixed(3)}`,
        );
      }
    });
}
