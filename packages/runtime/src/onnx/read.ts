/** Reading and writing `.onnx` files, with clear errors for missing, corrupt, oversized and invalid files. */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { ToolkitError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { decodeModel } from './schema.js';
import type { ModelProto } from './types.js';
import { validateModel } from './validate.js';
import { MAX_MODEL_BYTES } from './limits.js';

/**
 * The bytes of a model file: a regular file of at most {@link MAX_MODEL_BYTES}, checked before
 * reading (so `/dev/zero`, a FIFO or a directory is refused, not read forever).
 * @throws ToolkitError `E_ONNX_LOAD` naming the path and what is wrong.
 */
export function readModelBytes(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      throw new ToolkitError('E_ONNX_LOAD', `${path} is a directory, not an .onnx file`, {
        hint: 'give the path of the .onnx file',
      });
    if (!st.isFile())
      throw new ToolkitError('E_ONNX_LOAD', `${path} is not a regular file (a device, pipe or socket)`, {
        hint: 'give the path of an .onnx file on disk',
      });
    size = st.size;
  } catch (err) {
    if (err instanceof ToolkitError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ToolkitError('E_ONNX_LOAD', `${path} does not exist`, {
        hint: 'check the path, or create the model with `mast export RUN -o FILE`',
      });
    throw new ToolkitError('E_IO', `cannot read ${path}: ${(err as Error).message}`, {
      hint: 'check the path and its permissions',
      cause: err,
    });
  }
  if (size > MAX_MODEL_BYTES)
    throw new ToolkitError(
      'E_ONNX_LOAD',
      `${path} is ${size} bytes; the limit for a model is ${MAX_MODEL_BYTES} bytes`,
      { hint: 'the toolkit reads agent networks of at most a few megabytes; check that this is the right file' },
    );
  if (size === 0)
    throw new ToolkitError('E_ONNX_LOAD', `${path} is empty`, { hint: 'export the model again with `mast export`' });
  // read at most size + 1 bytes through the descriptor: a file that grows meanwhile is refused, not followed
  const fd = openSync(path, 'r');
  try {
    if (!fstatSync(fd).isFile())
      throw new ToolkitError('E_ONNX_LOAD', `${path} is not a regular file`, {
        hint: 'give the path of an .onnx file on disk',
      });
    const bytes = new Uint8Array(size + 1);
    let got = 0;
    for (let n = 1; n > 0 && got < bytes.length; got += n) n = readSync(fd, bytes, got, bytes.length - got, null);
    if (got > size)
      throw new ToolkitError('E_ONNX_LOAD', `${path} grew while it was read`, {
        hint: 'read it once it is written completely',
      });
    return bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Read, decode and validate an ONNX file. */
export function readOnnxFile(path: string): { bytes: Uint8Array; model: ModelProto } {
  const bytes = readModelBytes(path);
  if (bytes.length === 0)
    throw new ToolkitError('E_ONNX_LOAD', `${path} is empty`, { hint: 'export the model again with `mast export`' });
  const model = decodeModel(bytes, path);
  validateModel(model);
  return { bytes, model };
}

/** Write ONNX bytes atomically. */
export function writeOnnxFile(path: string, bytes: Uint8Array): void {
  writeFileAtomic(path, bytes);
}
