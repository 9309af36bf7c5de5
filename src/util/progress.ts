/**
 * Progress for long work: on a TTY one redrawn line with a bar, rate and ETA; anywhere else plain
 * lines at a throttled pace (CI logs, pipes), always ending with a final line.
 */

/** Where progress is written. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Units of work in total (e.g. environment steps). */
  total: number;
  /** What is progressing. */
  label: string;
  stream?: ProgressStream;
  /** Minimum milliseconds between outputs (default 100 on a TTY, 5000 otherwise). */
  minIntervalMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** A progress reporter. */
export interface Progress {
  /** Report that `current` units are done, with extra fields to show (e.g. return, ε). */
  update(current: number, fields?: Record<string, string | number>): void;
  /** Finish: print the final state and an optional summary. */
  done(summary?: string): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** Create a progress reporter (see the file header for the two display modes). */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const minInterval = options.minIntervalMs ?? (tty ? 100 : 5000);
  let lastOutput = -Infinity;
  let current = 0;
  // the rate counts from the first report, so work done before it (a resumed run's steps) is not
  // credited to this process's clock
  let first: { value: number; time: number } | null = null;
  let fields: Record<string, string | number> = {};

  const line = (cols = Infinity): string => {
    const total = Math.max(1, options.total);
    const frac = Math.min(1, current / total);
    const elapsed = first ? (now() - first.time) / 1000 : 0;
    const rate = first && elapsed > 0 ? (current - first.value) / elapsed : 0;
    const eta = rate > 0 ? (total - current) / rate : Infinity;
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ');
    const count = `${current}/${options.total} (${Math.floor(frac * 100)}%)`;
    const speed = `${rate > 0 ? rate.toFixed(1) : '?'}/s  eta ${duration(eta)}`;
    const tail = extra ? `  ${extra}` : '';
    if (!tty) return `${options.label} ${count}  ${speed}${tail}`;
    const width = 24;
    const filled = Math.round(frac * width);
    // a narrow terminal gives up the bar, then the rate and ETA, then the label, before the figures
    // the run is watched for (return, win rate), which come last on the line
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
    const candidates = [
      `${options.label} ${bar}${count}  ${speed}${tail}`,
      `${options.label} ${count}  ${speed}${tail}`,
      `${options.label} ${count}${tail}`,
      `${count}${tail}`,
    ];
    return candidates.find((c) => c.length <= cols) ?? (candidates.at(-1) as string);
  };
  const write = (final: boolean): void => {
    if (tty) {
      const cols = (stream.columns ?? 120) - 1;
      const text = line(cols);
      stream.write(`\r${text.length > cols ? text.slice(0, cols) : text}\x1b[K${final ? '\n' : ''}`);
    } else {
      stream.write(`${line()}\n`);
    }
    lastOutput = now();
  };

  return {
    update(value, extra) {
      first ??= { value, time: now() };
      current = value;
      if (extra) fields = extra;
      if (now() - lastOutput >= minInterval) write(false);
    },
    done(summary) {
      write(true);
      if (summary) stream.write(`${options.label}: ${summary}\n`);
    },
  };
}
