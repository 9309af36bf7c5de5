/** Ctrl-C as an `AbortSignal`: commands stop their work at the next safe point (a checkpoint, an update) and end with exit 130. */

/** A listening interrupt; {@link Interrupt.dispose} stops listening. */
export interface Interrupt {
  /** Aborted by the first SIGINT. */
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * Listen for one SIGINT (Ctrl-C): it aborts the returned signal and then calls `also` (e.g. to
 * forward the interrupt to worker processes). Dispose of it on every exit path.
 */
export function onInterrupt(also?: () => void): Interrupt {
  const abort = new AbortController();
  const handler = (): void => {
    abort.abort();
    also?.();
  };
  process.once('SIGINT', handler);
  return { signal: abort.signal, dispose: () => void process.removeListener('SIGINT', handler) };
}
