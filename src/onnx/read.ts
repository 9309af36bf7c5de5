/** Reading and writing `.onnx` files, with clear errors for missing, corrupt and invalid files. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ToolkitError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { decodeModel } from './schema.js';
import type { ModelProto } from './types.js';
import { validateModel } from './validate.js';

/** Read, decode and validate an ONNX file. */
export function readOnnxFile(path: string): { bytes: Uint8Array; model: ModelProto } {
  if (!existsSync(path)) throw new ToolkitError('E_ONNX_LOAD', `${path} does not exist`, { hint: 'check the path, or create the model with `mast export RUN -o FILE`' });
  if (statSync(path).isDirectory()) throw new ToolkitError('E_ONNX_LOAD', `${path} is a directory, not an .onnx file`);
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length === 0) throw new ToolkitError('E_ONNX_LOAD', `${path} is empty`, { hint: 'export the model again with `mast export`' });
  const model = decodeModel(bytes, path);
  validateModel(model);
  return { bytes, model };
}

/** Write ONNX bytes atomically. */
export function writeOnnxFile(path: string, bytes: Uint8Array): void {
  writeFileAtomic(path, bytes);
}
