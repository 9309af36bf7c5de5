/** Where commands write: injectable so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The stream progress is drawn on (a TTY gets a redrawn bar, anything else plain lines). */
  progressStream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** The run directory's console log, when the command keeps one (`cli/console-log.ts`). */
  consoleLog?: ConsoleLogSink;
}

/** Where a command's output is also kept: `DIR/console.log`, see `cli/console-log.ts`. */
export interface ConsoleLogSink {
  /** Start this session's section of `DIR/console.log` (a header line naming `session`, then the lines held so far); later calls do nothing. */
  open(dir: string, session: string): void;
  /** Log a line without printing it (e.g. the error the command ends with, printed by `cli/main.ts`). */
  write(text: string): void;
  /** A plain (non-TTY) stream into the log, for progress lines. */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The process's own stdout/stderr. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  progressStream: process.stderr,
};
