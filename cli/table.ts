/** Plain-text tables for command output: columns padded to their widest cell, two spaces apart; and the cells' number format. */

/** A fraction as a percentage, e.g. `percent(0.875)` → `88%`, `percent(0.875, 1)` → `87.5%`. */
export function percent(fraction: number, digits = 0): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Lines of a table with a header row; the last column is not padded (no trailing spaces). */
export function formatTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  '),
  );
}
