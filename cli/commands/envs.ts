/** `mast envs`: list the environments with their sizes. */
import { Command } from 'commander';
import { listEnvs } from '../../src/envs/registry.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

/** Build the `envs` command. */
export function envsCommand(io: CliIo): Command {
  return new Command('envs')
    .description(
      'list environment ids with agents, actions, observation/state sizes, episode limit and whether episodes are won or lost',
    )
    .option('--json', 'print a JSON array')
    .action((opts: { json?: boolean }) => {
      const envs = listEnvs();
      if (opts.json) {
        io.out(JSON.stringify(envs));
        return;
      }
      const rows = envs.map((e) => [
        e.id,
        String(e.info.nAgents),
        String(e.info.nActions),
        String(e.info.obsShape),
        String(e.info.stateShape),
        String(e.info.episodeLimit),
        e.info.reportsWins ? 'yes' : 'no',
        e.description,
      ]);
      for (const line of formatTable(['id', 'agents', 'actions', 'obs', 'state', 'limit', 'wins', 'description'], rows))
        io.out(line);
      io.out(
        'your own: --env module:./env.mjs[#export] (JavaScript) or --env python:package.module:Class | python:./env.py:Class (pymarl-style Python); see docs/custom-envs.md',
      );
    });
}
