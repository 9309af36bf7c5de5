/**
 * Long synchronous loops in an async function (training, distillation) hold the event loop: a
 * Ctrl-C handler (which aborts their signal), piped output and a queue worker's lock renewals only
 * run when they let it go. A yielder lets it go at most every `intervalMs`.
 */

/** How long the toolkit's long loops run before letting the event loop handle signals and I/O. */
export const YIELD_INTERVAL_MS = 50;

/** A function to call once per iteration: it yields to the event loop when `intervalMs` have passed since it last did. */
export function eventLoopYielder(intervalMs = YIELD_INTERVAL_MS): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last <= intervalMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}
