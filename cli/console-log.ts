/**
 * The run directory's console log, `DIR/console.log`: what `mast train`, `compress` and `demo` print
 * (their messages and warnings, the progress in its plain non-TTY form, the final summary, the error
 * that ended them), appended session after session under a header line giving the date, the
 * command line and whether it resumed. Lines printed before the run directory is known to be this
 * command's (locked, or a finished run reused) are held and written when it is; a command refused
 * before that (a locked directory, a bad option) leaves no log behind.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { CliIo, ConsoleLogSink } from './io.js';

/** The file name of the console log inside a run directory. */
export const CONSOLE_LOG = 'console.log';

/** The command line of `cmd` as typed, from its name on (`mast train --out runs/x --resume`), quoted where needed. */
export function commandLineOf(cmd: Command): string {
  // commander keeps the argv it parsed on the program (`rawArgs`, public but not in its typings)
  const raw: string[] = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
  const at = raw.indexOf(cmd.name());
  const args = at >= 0 ? raw.slice(at) : [cmd.name(), ...cmd.args];
  return ['mast', ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/**
 * `io` with everything printed through it also kept for `DIR/console.log`; `consoleLog.open(dir,
 * session)` starts the file's new section (see the file header).
 * @param commandLine what the header line names, e.g. from {@link commandLineOf}.
 * @param now the clock of the header's date (injectable for tests).
 */
export function withConsoleLog(io: CliIo, commandLine: string, now: () => Date = () => new Date()): CliIo {
  let file: string | null = null;
  let pending: string[] = [];
  const log = (text: string): void => {
    const line = text.endsWith('\n') ? text : `${text}\n`;
    if (file === null) pending.push(line);
    else appendFileSync(file, line);
  };
  const stream = Object.assign(
    new Writable({
      write: (chunk: Buffer | string, _enc, done) => {
        log(String(chunk));
        done();
      },
    }),
    { isTTY: false as const },
  );
  const consoleLog: ConsoleLogSink = {
    open(dir, session) {
      if (file !== null) return;
      file = join(dir, CONSOLE_LOG);
      appendFileSync(file, `=== ${now().toISOString()}  ${commandLine}  (${session})\n${pending.join('')}`);
      pending = [];
    },
    write: log,
    stream,
  };
  return {
    out: (text) => {
      io.out(text);
      log(text);
    },
    err: (text) => {
      io.err(text);
      log(text);
    },
    progressStream: io.progressStream,
    consoleLog,
  };
}
