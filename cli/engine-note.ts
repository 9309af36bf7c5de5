/** How `--engine auto` chose, for the commands that print which engine runs a model. */
import type { EngineName } from '@mast-toolkit/runtime/internal/runtime/engine-types';

/**
 * ` (auto: sparse 9.0 µs, ort 25.3 µs per decision at load)` when `auto` timed both engines, else ``
 * (a named engine, or `auto` without onnxruntime-node, which keeps the sparse engine untimed).
 */
export function autoNote(times: Record<EngineName, number> | null): string {
  return times
    ? ` (auto: sparse ${times.sparse.toFixed(1)} µs, ort ${times.ort.toFixed(1)} µs per decision at load)`
    : '';
}
