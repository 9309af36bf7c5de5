/**
 * The toolkit's error family. Library code throws these (or the built-in `TypeError` /
 * `RangeError` for wrong kinds and out-of-range arguments) and never exits the process; only
 * `cli/main.ts` maps errors to exit codes.
 */

/** Stable codes for domain failures; tests and callers branch on these, not on messages. */
export type ErrorCode =
  | 'E_CONFIG' // a configuration value or option is invalid
  | 'E_UNKNOWN_NAME' // a name (env, mixer, backend, mode, ...) is not registered
  | 'E_BACKEND' // a tfjs backend cannot be initialised
  | 'E_CHECKPOINT' // a run directory or checkpoint is missing, truncated or inconsistent
  | 'E_LOCKED' // a run directory is in use by another live process (its lock file names it)
  | 'E_INTERRUPTED' // a command was stopped by Ctrl-C (SIGINT) after saving its work; exit code 130
  | 'E_SNAPSHOT' // a snapshot is malformed or does not match the expected architecture
  | 'E_ONNX_INVALID' // an ONNX model breaks a checker rule
  | 'E_ONNX_LOAD' // an ONNX file cannot be read, decoded or loaded by the runtime
  | 'E_SHAPE' // a tensor or array has the wrong shape
  | 'E_NUMERIC' // a NaN or infinity appeared where it must not
  | 'E_ENV' // an environment was driven incorrectly (e.g. step after done) or broke its interface
  | 'E_ENV_BRIDGE' // a bridged (Python) environment process failed: import, constructor, crash, timeout
  | 'E_KERNELS' // the WebAssembly kernels are missing or cannot run here
  | 'E_DEPENDENCY' // an optional package a feature needs is not installed or does not load (onnxruntime-node for engine 'ort')
  | 'E_CLOSED' // a policy or engine was used after close()
  | 'E_NO_ACTION' // a policy was asked to act for an agent with no available action
  | 'E_IO' // a file-system operation failed
  | 'E_QUEUE' // a study queue (Redis) cannot be reached or refuses a request
  | 'E_DATA'; // a recorded-episodes file is cut short, damaged or inconsistent

/** Base class: a domain failure with a stable `code` and, where one exists, a `hint` on how to fix it. */
export class ToolkitError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** What the user can do about it, when something can be done. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(options.hint ? `${message}\n  hint: ${options.hint}` : message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** An invalid configuration value or command-line option. */
export class ConfigError extends ToolkitError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_CONFIG', message, options);
  }
}

/** A name that is not in its registry; the message lists the names that are. */
export class UnknownNameError extends ToolkitError {
  constructor(kind: string, got: string, expected: readonly string[], options: { hint?: string } = {}) {
    super(
      'E_UNKNOWN_NAME',
      `unknown ${kind}: got '${got}'; expected one of ${expected.map((e) => `'${e}'`).join(', ')}`,
      options,
    );
  }
}

/** A run directory, checkpoint or tensor file that is missing, truncated or corrupt. */
export class CheckpointError extends ToolkitError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_CHECKPOINT', message, options);
  }
}

/**
 * A command stopped by an interrupt (Ctrl-C) once its work was saved; the message says how to go on.
 * `cli/main.ts` ends the process with 130, the shell's code for SIGINT.
 */
export class InterruptedError extends ToolkitError {
  constructor(message: string, options: { hint?: string } = {}) {
    super('E_INTERRUPTED', message, options);
  }
}

/** A NaN or infinity where finite numbers are required (loss, gradients, weights). */
export class NumericError extends ToolkitError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_NUMERIC', message, options);
  }
}

/** An array or tensor of the wrong shape. */
export class ShapeError extends ToolkitError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_SHAPE', message, options);
  }
}

/** Look up `name` in a registry, throwing {@link UnknownNameError} with the valid names when absent. */
export function lookup<K extends string, V>(kind: string, registry: Readonly<Record<K, V>>, name: string): V {
  if (!Object.prototype.hasOwnProperty.call(registry, name)) {
    throw new UnknownNameError(kind, name, Object.keys(registry));
  }
  return registry[name as K];
}
