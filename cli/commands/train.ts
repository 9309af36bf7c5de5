/** `mast train`: train a QMIX-family learner into a run directory, or resume one. */
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { ALGORITHMS, DENSITY_DISTRIBUTIONS, SPARSITY_MODES, PRESETS, resolveConfig, parseConfig, type TrainConfig, type DeepPartial } from '../../src/config/index.js';
import { runPaths } from '../../src/marl/run-dir.js';
import { ConfigError, CheckpointError } from '../../src/util/errors.js';
import { readConfigOverrides } from '../config-file.js';
import { BACKEND_HELP, backendOption, intAtLeast, numberIn, oneOf } from '../options.js';
import { runTraining } from '../run-training.js';
import type { CliIo } from '../io.js';
import { percent } from '../table.js';

interface TrainOpts {
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
  backend: string;
  json?: boolean;
}

/** The config a `train` invocation asks for: preset ← --config file ← flags; or, with --resume, the run's own. */
export function configFromOptions(opts: TrainOpts): TrainConfig {
  const flags: DeepPartial<TrainConfig> = {
    env: opts.env,
    alg: opts.alg,
    steps: opts.steps,
    seed: opts.seed,
    sparsity: { mode: opts.sparsity, density: opts.density, distribution: opts.distribution },
  };
  const paths = runPaths(opts.out);
  if (opts.resume && existsSync(paths.checkpoint)) {
    const given = (['env', 'alg', 'seed', 'sparsity', 'density', 'distribution', 'config'] as const).filter((k) => opts[k] !== undefined);
    if (given.length > 0) {
      throw new ConfigError(`--resume continues ${opts.out} with its saved config; it cannot be combined with --${given.join(', --')}`, {
        hint: 'drop those options (only --steps may extend a resumed run), or train a new run in another --out directory',
      });
    }
    if (!existsSync(paths.config)) throw new CheckpointError(`${paths.config} is missing`, { hint: 'the run directory is incomplete; start a new run' });
    const saved = parseConfig(JSON.parse(readFileSync(paths.config, 'utf8')), paths.config);
    return parseConfig({ ...saved, steps: opts.steps ?? saved.steps }, 'resumed config');
  }
  return resolveConfig(opts.preset, opts.config ? readConfigOverrides(opts.config) : {}, flags);
}

/** Build the `train` command. */
export function trainCommand(io: CliIo): Command {
  return new Command('train')
    .description('train a learner (pymarl QMIX defaults) and checkpoint it to a run directory')
    .requiredOption('--out <dir>', 'run directory: config, checkpoint, agent snapshot, metrics.jsonl, SVG curves')
    .option('--env <id>', 'environment id (see `mast envs`)')
    .option('--alg <name>', `learner: ${ALGORITHMS.join(' | ')}`, oneOf(ALGORITHMS))
    .option('--steps <n>', `environment steps to train for (default: the preset's: ${Object.keys(PRESETS).map((name) => `${name} ${resolveConfig(name).steps.toLocaleString('en-US')}`).join(', ')})`, intAtLeast(1))
    .option('--seed <n>', 'seed of the run', intAtLeast(0))
    .option('--sparsity <mode>', `sparsity mode: ${SPARSITY_MODES.join(' | ')}`, oneOf(SPARSITY_MODES))
    .option('--density <d>', 'global density of the masked weights, in (0, 1]', numberIn(0, 1))
    .option('--distribution <name>', `per-layer density: ${DENSITY_DISTRIBUTIONS.join(' | ')}`, oneOf(DENSITY_DISTRIBUTIONS))
    .option('--preset <name>', `config preset: ${Object.keys(PRESETS).join(' | ')}`, oneOf(Object.keys(PRESETS)), 'default')
    .option('--config <file>', 'JSON file of config overrides (unknown keys are errors)')
    .option('--resume', 'continue the run saved in --out from its last checkpoint')
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the final metrics as one JSON object')
    .action(async (opts: TrainOpts) => {
      const config = configFromOptions(opts);
      const summary = await runTraining(config, opts.out, opts.resume === true, opts.backend, io);
      if (opts.json) {
        io.out(JSON.stringify({ out: opts.out, completed: summary.completed, counters: summary.counters, last: summary.last }));
      } else if (summary.last) {
        const l = summary.last;
        io.out(`${opts.out}: step ${l.tEnv}, test return ${l.testReturn.toFixed(3)} ± ${l.testReturnStd.toFixed(3)}, ${l.testWinRate === null ? '' : `win rate ${percent(l.testWinRate)}, `}density ${l.globalDensity.toFixed(3)}, train FLOPs ×${l.trainFlopsRatio.toFixed(3)}`);
      }
    });
}
