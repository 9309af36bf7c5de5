/** `mast envs`: list the environments with their sizes. */
import { Command } from 'commander';
import { listEnvs } from '../../src/envs/registry.js';
import type { CliIo } from '../io.js';

/** Build the `envs` command. */
export function envsCommand(io: CliIo): Command {
  return new Command('envs')
    .description('list environment ids with agents, actions, observation/state sizes and episode limit')
    .option('--json', 'print a JSON array')
    .action((opts: { json?: boolean }) => {
      const envs = listEnvs();
      if (opts.json) {
        io.out(JSON.stringify(envs));
        return;
      }
      const rows = envs.map((e) => [e.id, String(e.info.nAgents), String(e.info.nActions), String(e.info.obsShape), String(e.info.stateShape), String(e.info.episodeLimit), e.description]);
      const head = ['id', 'agents', 'actions', 'obs', 'state', 'limit', 'description'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
      for (const r of [head, ...rows]) io.out(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  '));
    });
}
