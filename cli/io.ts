/** Where commands write: injectable so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The stream progress is drawn on (a TTY gets a redrawn bar, anything else plain lines). */
  progressStream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** The process's own stdout/stderr. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  progressStream: process.stderr,
};
