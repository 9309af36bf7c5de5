/**
 * The checks both engines (and `OnnxPolicy`) make the same way, so they refuse the same calls with the
 * same error: use after `close()`, and non-finite inputs (ONNX Runtime's ReLU would turn a NaN into 0
 * and act normally, while the sparse engine's GRU state would stay NaN for the rest of the episode).
 */
import { NumericError, ToolkitError } from '../util/errors.js';

/** The error for any use of an engine or policy after `close()`. */
export function closedError(what: string): ToolkitError {
  return new ToolkitError('E_CLOSED', `${what} was used after close()`, {
    hint: 'create a new policy (OnnxPolicy.create) instead of reusing a closed one',
  });
}

const INPUT_HINT =
  'check the observation pipeline (a division by zero or an uninitialised sensor); replace missing values before calling the policy';

/** The hint for non-finite outputs of a model whose weights and inputs are finite. */
export const OUTPUT_HINT =
  'the network overflows float32 on this input (weights too large); retrain or export an earlier checkpoint';

/**
 * Throw {@link NumericError} at the first NaN or ±Inf of `values`.
 * @param what the caller and argument, e.g. `OnnxPolicy.act: obs`.
 * @param rowLength row length of `values`, to name the row (agent) and column of the bad value.
 * @param hint what the user can do (defaults to checking the observations).
 */
export function checkFinite(values: Float32Array, rowLength: number, what: string, hint = INPUT_HINT): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v !== 0) {
      const [row, col] = [Math.floor(i / rowLength), i % rowLength];
      throw new NumericError(`${what} holds ${v} at row ${row}, position ${col}; it must be finite`, { hint });
    }
  }
}
