/**
 * The `mast` executable: runs the program and turns errors into exit codes. This is the only place
 * in the toolkit that decides how the process ends.
 *   0  success          1  a domain error (bad input, missing file, ...), printed with its hint
 *   2  usage error       70 an unexpected internal error (printed with its stack)
 *   130 interrupted (Ctrl-C) after the work so far was saved; the message says how to continue
 */
import { CommanderError } from 'commander';
import { InterruptedError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { buildProgram } from './program.js';
import { processIo } from './io.js';

// A closed pipe (`mast inspect x.onnx | head`) is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}

async function main(): Promise<number> {
  try {
    await buildProgram(processIo).parseAsync(process.argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version requests end with exitCode 0; usage errors were already printed by commander
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InterruptedError) {
      processIo.err(`mast: interrupted: ${err.message}`);
      return 130;
    }
    if (err instanceof ToolkitError || err instanceof RangeError || err instanceof TypeError) {
      processIo.err(`mast: error: ${err.message}`);
      return err instanceof ToolkitError ? 1 : 2;
    }
    processIo.err(`mast: internal error: ${(err as Error)?.stack ?? String(err)}`);
    return 70;
  }
}

process.exitCode = await main();
