/** The options that make a user environment, shared by the commands that open one (`train`, `eval`). */
import { InvalidArgumentError, type Command } from 'commander';
import type { EnvOptions } from '../src/envs/registry.js';
import { DEFAULT_BRIDGE_TIMEOUT_MS } from '../src/envs/bridge/python-env.js';

/** What `--env` accepts, for help texts. */
export const ENV_ID_HELP =
  'environment: a built-in id (see `mast envs`), module:PATH[#EXPORT] (a JavaScript module exporting a MultiAgentEnv factory), ' +
  'or python:MODULE:Class / python:FILE.py:Class (a pymarl-style Python environment over a pipe); relative paths resolve against the working directory (docs/custom-envs.md)';

/** The options {@link addEnvOptions} adds, as commander parses them. */
export interface EnvCliOptions {
  envArg?: Record<string, unknown>;
  python?: string;
  envTimeout?: number;
  envStderr?: boolean;
}

/** Parse one `key=value` into `previous`; the value is JSON when it parses as JSON, else the string. */
export function envArgOption(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  const raw = value.slice(eq + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...(previous ?? {}), [value.slice(0, eq)]: parsed };
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number of seconds, got '${value}'`);
  return n;
}

/** Add `--python`, `--env-timeout` and `--env-stderr` (and, with `args`, `--env-arg`) to a command. */
export function addEnvOptions(cmd: Command, args = true): Command {
  if (args)
    cmd.option(
      '--env-arg <key=value>',
      'argument of a module:/python: environment (repeatable; the value is parsed as JSON when it can be, e.g. n_agents=3, map_name=\'"3m"\' or map_name=3m); a run saves them as the config key envArgs',
      envArgOption,
    );
  return cmd
    .option('--python <path>', 'Python interpreter for python: environments (default: $MAST_PYTHON, else python3)')
    .option(
      '--env-timeout <sec>',
      `longest wait for one answer of a python: environment before its process is killed (default ${DEFAULT_BRIDGE_TIMEOUT_MS / 1000})`,
      seconds,
    )
    .option(
      '--env-stderr',
      'show what a python: environment writes to stderr (and prints) as it comes; by default only its last lines, when it fails',
    );
}

/** The bridge options given on the command line. */
export function envOptionsFrom(opts: EnvCliOptions): Omit<EnvOptions, 'args'> {
  return {
    ...(opts.python ? { python: opts.python } : {}),
    ...(opts.envTimeout ? { timeoutMs: opts.envTimeout * 1000 } : {}),
    ...(opts.envStderr ? { echoStderr: true } : {}),
  };
}
