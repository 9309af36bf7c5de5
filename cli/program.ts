/**
 * Assembles the `mast` command from its subcommands. Each command module defines its options and
 * help from light modules only; what a command runs on (tfjs for training, recording and the
 * parity check; bullmq for the queue) is imported inside its action, so `mast envs`, `inspect`,
 * `export`, `replay`, `eval` (without `--against`) and every `--help` start without loading tfjs
 * (test/cli/lazy-load.test.ts).
 */
import { Command } from 'commander';
import { TOOLKIT_VERSION } from '../src/version.js';
import type { CliIo } from './io.js';
import { trainCommand } from './commands/train.js';
import { compressCommand } from './commands/compress.js';
import { replayCommand } from './commands/replay.js';
import { importCommand } from './commands/import.js';
import { envsCommand } from './commands/envs.js';
import { exportCommand } from './commands/export.js';
import { inspectCommand } from './commands/inspect.js';
import { evalCommand } from './commands/eval.js';
import { demoCommand } from './commands/demo.js';
import { reportCommand, studyCommand } from './commands/study.js';
import { workerCommand } from './commands/worker.js';
import { recordCommand } from './commands/record.js';
import { serveCommand } from './commands/serve.js';

/**
 * The `mast` program. Errors propagate to the caller (commands never exit the process);
 * commander's own usage errors surface as `CommanderError` thanks to `exitOverride()`.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('mast')
    .description(
      'MAST: sparse training of multi-agent value-based RL agents, exported to ONNX and run with onnxruntime-node',
    )
    .version(TOOLKIT_VERSION)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  for (const make of [
    demoCommand,
    trainCommand,
    compressCommand,
    recordCommand,
    exportCommand,
    evalCommand,
    serveCommand,
    inspectCommand,
    importCommand,
    envsCommand,
    replayCommand,
    studyCommand,
    workerCommand,
    reportCommand,
  ]) {
    const cmd = make(io);
    cmd
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
      .showHelpAfterError('(add --help for usage)');
    program.addCommand(cmd);
  }
  return program;
}
