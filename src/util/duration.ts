/** Durations for people reading tables and summaries, to two significant units at most. */

/** `40 s`, `28 min`, `2.4 h`. */
export function roughDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
