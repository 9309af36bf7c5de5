/** Drive the `mast` program in-process with captured output, as commander's own tests do. */
import { Writable } from 'node:stream';
import { buildProgram } from '../../cli/program.js';
import type { CliIo } from '../../cli/io.js';

/** Output of one in-process CLI invocation; `error` is what the command threw, if anything. */
export interface CliRun {
  out: string;
  err: string;
  error: unknown;
}

/** Run `mast <args>` in-process. */
export async function runCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const io: CliIo = { out: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`), err: (t) => void (err += t.endsWith('\n') ? t : `${t}\n`), progressStream: sink };
  let error: unknown = null;
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { out, err, error };
}
