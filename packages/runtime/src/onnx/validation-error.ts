/**
 * The error a model breaking one of the checker's rules raises, and the names of those rules. Shared by
 * the validator and the contract modules it calls (sparse indices), so both report the same way.
 */
import { ToolkitError } from '../util/errors.js';

/** Names of the rules `validateModel` enforces (one test each). */
export type ValidationRule =
  | 'model-ir-version'
  | 'model-opset'
  | 'model-size'
  | 'tensor-dims'
  | 'tensor-data-length'
  | 'tensor-data-field'
  | 'tensor-external-data'
  | 'initializer-name-unique'
  | 'sparse-values-rank'
  | 'sparse-values-name'
  | 'sparse-indices-type'
  | 'sparse-indices-shape'
  | 'sparse-indices-range'
  | 'sparse-indices-order'
  | 'node-op-type'
  | 'node-input-defined'
  | 'node-output-unique'
  | 'graph-output-defined';

/** A model that breaks one of the checker's rules (or one of the toolkit's documented limits). */
export class OnnxValidationError extends ToolkitError {
  /** The rule broken. */
  readonly rule: ValidationRule;
  constructor(rule: ValidationRule, message: string) {
    super('E_ONNX_INVALID', `invalid ONNX model (${rule}): ${message}`, {
      hint: 'the file is damaged or was not written by an ONNX exporter; export it again (`mast export`, or torch.onnx.export)',
    });
    this.rule = rule;
  }
}

/** Throw {@link OnnxValidationError} for `rule`. */
export function invalid(rule: ValidationRule, message: string): never {
  throw new OnnxValidationError(rule, message);
}
