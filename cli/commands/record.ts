/** `mast record`: play an agent ε-greedily and write the episodes for offline compression. */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { makeEnv, prepareEnv } from '../../src/envs/registry.js';
import { writeEpisodesFile } from '../../src/marl/compress/episodes-file.js';
import { meanStd } from '../../src/util/stats.js';
import { createProgress } from '../../src/util/progress.js';
import { readAgentSource, type AgentSource } from '../agent-source.js';
import type { MultiAgentEnv } from '../../src/envs/types.js';
import { BACKEND_HELP, backendOption, intAtLeast, numberIn } from '../options.js';
import type { CliIo } from '../io.js';
import { addEnvOptions, ENV_ID_HELP, envOptionsFrom, type EnvCliOptions } from '../env-options.js';

interface RecordOpts extends EnvCliOptions {
  out: string;
  env?: string;
  episodes: number;
  epsilon: number;
  seed: number;
  backend: string;
  json?: boolean;
  force?: boolean;
}

/** Build the `record` command. */
export function recordCommand(io: CliIo): Command {
  const cmd = new Command('record')
    .description(
      'play an agent on an environment (ε-greedily) and write the episodes — observations, availabilities, states, actions, rewards — for `mast compress --data` (format: docs/compress.md)',
    )
    .argument('<agent>', 'run directory (from mast train / import) or .onnx model exported by this toolkit')
    .requiredOption(
      '--out <file>',
      'episodes file to write (e.g. episodes.mast); an existing one is refused unless --force',
    )
    .option('--force', 'replace an existing --out file')
    .option(
      '--env <id>',
      `${ENV_ID_HELP}; default: the one the agent was trained on, with the envArgs it was trained with`,
    )
    .option('--episodes <n>', 'episodes to play', intAtLeast(1), 200)
    .option(
      '--epsilon <e>',
      'probability of a random available action per agent and step: some exploration shows the compressed agent states the greedy agent never visits',
      numberIn(0, 1),
      0.05,
    )
    .option('--seed <n>', 'seed of the episodes and of the exploration', intAtLeast(0), 0)
    .option('--backend <name>', BACKEND_HELP, backendOption, 'wasm')
    .option('--json', 'print the summary as one JSON object');
  return addEnvOptions(cmd).action(async (source: string, opts: RecordOpts) => {
    if (existsSync(opts.out) && !opts.force) {
      throw new ToolkitError('E_IO', `${opts.out} already exists`, {
        hint: 'choose another --out file, or pass --force to replace it',
      });
    }
    const agent = readAgentSource(source);
    const id = opts.env ?? agent.snapshot.metadata.env;
    const recordedArgs = (agent.snapshot.metadata.config as { envArgs?: Record<string, unknown> } | null)?.envArgs;
    await prepareEnv(id);
    const env = makeEnv(id, {
      ...envOptionsFrom(opts),
      args: opts.envArg ?? (opts.env === undefined ? (recordedArgs ?? {}) : {}),
    });
    try {
      await recordTo(io, env, agent, opts);
    } finally {
      env.close?.();
    }
  });
}

/** Play and write the episodes of one `mast record`. */
async function recordTo(io: CliIo, env: MultiAgentEnv, agent: AgentSource, opts: RecordOpts): Promise<void> {
  const progress = createProgress({ total: opts.episodes, label: `record ${env.id}`, stream: io.progressStream });
  const { recordEpisodes } = await import('../../src/marl/compress/record.js'); // tfjs: loaded when the command runs
  const recording = await recordEpisodes(agent.snapshot, env, {
    episodes: opts.episodes,
    epsilon: opts.epsilon,
    seed: opts.seed,
    backend: opts.backend,
    onEpisode: (k) => progress.update(k + 1),
  });
  writeEpisodesFile(opts.out, {
    meta: {
      format: 'mast-episodes',
      version: 1,
      env: env.id,
      info: env.getEnvInfo(),
      agent: { path: agent.path, sha256: agent.sha256 },
      epsilon: opts.epsilon,
      seed: opts.seed,
    },
    episodes: recording.episodes,
  });
  const steps = recording.episodes.reduce((sum, e) => sum + e.length, 0);
  const { mean, std } = meanStd(recording.returns);
  progress.done(`${opts.episodes} episodes`);
  const summary = {
    out: opts.out,
    env: env.id,
    episodes: opts.episodes,
    steps,
    epsilon: opts.epsilon,
    returnMean: mean,
    returnStd: std,
    winRate: recording.wins === null ? null : recording.wins / opts.episodes,
  };
  if (opts.json) return io.out(JSON.stringify(summary));
  const won = summary.winRate === null ? '' : `, win rate ${(100 * summary.winRate).toFixed(0)}%`;
  io.out(
    `wrote ${opts.out}: ${opts.episodes} episodes of ${env.id}, ${steps} steps (ε = ${opts.epsilon}); return ${mean.toFixed(3)} ± ${std.toFixed(3)}${won}`,
  );
}
