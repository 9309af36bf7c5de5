/** Drive the `mast` program in-process with captured output, as commander's own tests do. */
import { Writable } from 'node:stream';
import { buildProgram } from '../../cli/program.js';
import type { CliIo } from '../../cli/io.js';

/** Output of one in-process CLI invocation; `error` is what the command threw, if anything. */
export interface CliRun {
  out: string;
  err: string;
  /** What the command wrote to its progress stream (plain lines: the stream is not a TTY). */
  progress: string;
  error: unknown;
}

/** Run `mast <args>` in-process. */
export async function runCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  let progress = '';
  const sink = new Writable({
    write: (chunk: Buffer | string, _enc, cb) => {
      progress += String(chunk);
      cb();
    },
  });
  const io: CliIo = {
    out: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void (err += t.endsWith('\n') ? t : `${t}\n`),
    progressStream: sink,
  };
  let error: unknown = null;
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { out, err, progress, error };
}
