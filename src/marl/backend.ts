/**
 * Choosing the tfjs backend. `wasm` (default) is ~8–10× faster than the pure-JS `cpu` backend;
 * `tensorflow` uses the native bindings of `@tensorflow/tfjs-node` when that optional package is
 * installed (it cannot be installed offline, so it is never a dependency).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ToolkitError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';

import { BACKEND_NAMES, type BackendName } from './backend-names.js';

export { BACKEND_NAMES, type BackendName };

/** Check a user-supplied backend name; throws {@link UnknownNameError} listing the valid ones. */
export function parseBackendName(name: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new UnknownNameError('backend', name, BACKEND_NAMES, { hint: 'wasm is the default and works everywhere' });
  }
  return name as BackendName;
}

/** The active tfjs backend's name (`wasm`, `cpu`, `tensorflow`), or an empty string before one is set. */
export function activeBackend(): string {
  return tf.getBackend() ?? '';
}

/** Load the optional native backend, turning "not installed" into a clear error. */
async function loadTensorflowBackend(): Promise<void> {
  const pkg = '@tensorflow/tfjs-node'; // a variable, so TypeScript does not require the package
  try {
    await import(pkg);
  } catch (err) {
    throw new ToolkitError(
      'E_BACKEND',
      "backend 'tensorflow' needs the optional package @tensorflow/tfjs-node, which is not installed",
      {
        hint: 'install it with `npm install @tensorflow/tfjs-node` (its install downloads libtensorflow), or use --backend wasm',
        cause: err,
      },
    );
  }
}

/**
 * Make `name` the active tfjs backend (idempotent). tfjs's informational console messages are
 * silenced: the toolkit reports its own progress.
 */
export async function initBackend(name: string = 'wasm'): Promise<BackendName> {
  const backend = parseBackendName(name);
  if (tf.getBackend() === backend) return backend;
  tf.env().set('PROD', true);
  if (backend === 'tensorflow') await loadTensorflowBackend();
  let ok: boolean;
  try {
    ok = await tf.setBackend(backend);
    await tf.ready();
  } catch (err) {
    throw new ToolkitError('E_BACKEND', `could not initialise tfjs backend '${backend}': ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!ok)
    throw new ToolkitError('E_BACKEND', `tfjs backend '${backend}' failed to initialise`, {
      hint: 'try --backend cpu',
    });
  return backend;
}
