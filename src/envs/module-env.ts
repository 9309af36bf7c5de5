/**
 * User environments in JavaScript: the id `module:PATH[#EXPORT]` names an ES module (`.mjs`, or `.js`
 * in a `"type": "module"` package) whose export EXPORT (default: the default export) is a factory of
 * {@link MultiAgentEnv}: a function `(args) => env` or a class `new (args) => env`, given the run's
 * `envArgs`. A relative PATH resolves against the working directory. Importing is asynchronous and
 * the runner is not, so a module is loaded once by {@link loadEnvModule} (awaited at the boundary:
 * `train`, `mast eval`, ...) and {@link makeModuleEnv} then makes environments synchronously.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { CheckedEnv } from './check.js';
import type { MultiAgentEnv } from './types.js';

/** The prefix of module environment ids. */
export const MODULE_PREFIX = 'module:';

/** A factory exported by a user module. */
export type EnvFactory = (args: Record<string, unknown>) => MultiAgentEnv;

const loaded = new Map<string, EnvFactory>();

/** Split `module:PATH[#EXPORT]` into an absolute path and an export name. */
export function parseModuleId(id: string): { path: string; exportName: string } {
  const spec = id.slice(MODULE_PREFIX.length);
  const hash = spec.lastIndexOf('#');
  const file = hash >= 0 ? spec.slice(0, hash) : spec;
  const exportName = hash >= 0 ? spec.slice(hash + 1) : 'default';
  if (file.length === 0 || exportName.length === 0) {
    throw new ToolkitError('E_CONFIG', `environment id '${id}' names no module`, {
      hint: 'write module:./path/env.mjs or module:./path/env.mjs#exportName',
    });
  }
  return { path: resolve(process.cwd(), file), exportName };
}

function isClass(f: unknown): boolean {
  return typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));
}

/**
 * Import the module of a `module:` id and keep its factory for {@link makeModuleEnv}; loading the
 * same id again is a no-op.
 * @throws ToolkitError (E_ENV) when the file is missing, fails to import, or lacks the export.
 */
export async function loadEnvModule(id: string): Promise<void> {
  if (loaded.has(id)) return;
  const { path, exportName } = parseModuleId(id);
  if (!existsSync(path))
    throw new ToolkitError('E_ENV', `${id}: ${path} does not exist`, {
      hint: 'module paths resolve against the working directory; check the path',
    });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ToolkitError('E_ENV', `${id}: importing ${path} failed: ${(err as Error)?.message ?? String(err)}`, {
      hint: 'fix the error in the module (run it with node to see it in full)',
      cause: err,
    });
  }
  const factory = mod[exportName];
  if (typeof factory !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new ToolkitError(
      'E_ENV',
      `${id}: ${path} has no ${exportName === 'default' ? 'default export' : `export '${exportName}'`} that is a function or class${names.length ? `; it exports ${names.join(', ')}` : ''}`,
      {
        hint: `export a factory (args) => env or a class, and name it after '#': module:${path}#name`,
      },
    );
  }
  loaded.set(
    id,
    isClass(factory)
      ? (args) => new (factory as new (a: Record<string, unknown>) => MultiAgentEnv)(args)
      : (factory as EnvFactory),
  );
}

/**
 * Make the environment of a `module:` id loaded by {@link loadEnvModule}, checked on every call
 * ({@link CheckedEnv}).
 * @throws ToolkitError (E_ENV) when the module was not loaded, or the environment breaks the interface.
 */
export function makeModuleEnv(id: string, args: Record<string, unknown>): MultiAgentEnv {
  const factory = loaded.get(id);
  if (!factory)
    throw new ToolkitError('E_ENV', `${id}: the module is not loaded yet`, {
      hint: 'await prepareEnv(id) before makeEnv(id) (the CLI commands do)',
    });
  let env: MultiAgentEnv;
  try {
    env = factory(args);
  } catch (err) {
    if (err instanceof ToolkitError) throw err;
    throw new ToolkitError('E_ENV', `${id}: the factory threw: ${(err as Error)?.message ?? String(err)}`, {
      hint: 'fix the factory, or the envArgs given to it',
      cause: err,
    });
  }
  return new CheckedEnv(id, env);
}
