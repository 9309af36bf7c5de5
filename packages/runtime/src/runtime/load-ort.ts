/**
 * Loads the ONNX Runtime adapter (`ort.ts`) on first use. onnxruntime-node is an optional peer
 * dependency of the runtime package (its native binaries are ~290 MB, and its install script fetches
 * CUDA libraries from outside the npm registry), so importing the runtime never loads it: only
 * `engine: 'ort'` does, and its absence is then a ToolkitError that names the package to install.
 */
import { ToolkitError } from '../util/errors.js';

/** The adapter module: `AgentSession` and `BatchAgentsSession`. */
export type OrtAdapter = typeof import('./ort.js');

let adapter: Promise<OrtAdapter> | undefined;

/** Whether `err` says that onnxruntime-node itself (not something inside it) cannot be found. */
function isMissingOrt(err: unknown): boolean {
  const { code, message } = err as NodeJS.ErrnoException;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]onnxruntime-node['"]/.test(message);
}

/** The error for an adapter import that failed: a missing package, or one whose native part does not load. */
export function ortLoadError(err: unknown): ToolkitError {
  if (isMissingOrt(err)) {
    return new ToolkitError('E_DEPENDENCY', "engine 'ort' needs the package onnxruntime-node, which is not installed", {
      hint: "install it with `npm install onnxruntime-node` (on Linux x64 add `--onnxruntime-node-install=skip` to skip its CUDA download), or use the sparse engine ({ engine: 'sparse' }; `--engine sparse` on the command line), which needs nothing more",
      cause: err,
    });
  }
  return new ToolkitError(
    'E_DEPENDENCY',
    `onnxruntime-node is installed but does not load here: ${(err as Error).message}`,
    {
      hint: "reinstall it (`npm install onnxruntime-node`) for this platform, or use the sparse engine ({ engine: 'sparse' }; `--engine sparse`)",
      cause: err,
    },
  );
}

/**
 * The ONNX Runtime adapter, imported once per process.
 * @throws ToolkitError `E_DEPENDENCY` when onnxruntime-node is not installed or does not load.
 */
export function loadOrt(): Promise<OrtAdapter> {
  adapter ??= import('./ort.js').catch((err: unknown) => {
    adapter = undefined; // installing the package later in the same process can still succeed
    throw ortLoadError(err);
  });
  return adapter;
}
