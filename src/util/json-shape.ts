/**
 * A small checker for the shape of JSON values: the documented schemas of the commands' `--json`
 * output (cli/json-schemas.ts, docs/cli-json.md) are written in it, and tests hold the commands'
 * real output to them. Objects are closed: a key the shape does not name is a problem, as is a
 * missing key that is not optional.
 */

/** The shape of a JSON value. */
export type Shape =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'null'
  | { anyOf: readonly Shape[] }
  | { arrayOf: Shape }
  | { tuple: readonly Shape[] }
  | { object: Readonly<Record<string, Shape>>; optional?: readonly string[] }
  | { record: Shape };

/** `shape` or null. */
export const nullable = (shape: Shape): Shape => ({ anyOf: [shape, 'null'] });

/** Where `value` departs from `shape`, one line per problem (empty when it fits). */
export function checkShape(value: unknown, shape: Shape, path = '$'): string[] {
  if (typeof shape === 'string') {
    const ok =
      shape === 'null'
        ? value === null
        : shape === 'integer'
          ? Number.isInteger(value)
          : shape === 'number'
            ? typeof value === 'number' && Number.isFinite(value)
            : typeof value === shape;
    return ok ? [] : [`${path}: expected ${shape}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  }
  if ('anyOf' in shape) {
    const tries = shape.anyOf.map((s) => checkShape(value, s, path));
    return tries.some((t) => t.length === 0)
      ? []
      : [`${path}: fits none of ${shape.anyOf.length} shapes (${tries.map((t) => t[0]).join(' | ')})`];
  }
  if ('arrayOf' in shape) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((v, i) => checkShape(v, shape.arrayOf, `${path}[${i}]`));
  }
  if ('tuple' in shape) {
    if (!Array.isArray(value) || value.length !== shape.tuple.length)
      return [`${path}: expected an array of ${shape.tuple.length}`];
    return value.flatMap((v, i) => checkShape(v, shape.tuple[i] as Shape, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
  const entries = Object.entries(value as Record<string, unknown>);
  if ('record' in shape) return entries.flatMap(([k, v]) => checkShape(v, shape.record, `${path}.${k}`));
  const problems = entries.filter(([k]) => !(k in shape.object)).map(([k]) => `${path}: undocumented key '${k}'`);
  for (const [k, s] of Object.entries(shape.object)) {
    if (k in (value as object)) problems.push(...checkShape((value as Record<string, unknown>)[k], s, `${path}.${k}`));
    else if (!shape.optional?.includes(k)) problems.push(`${path}: missing key '${k}'`);
  }
  return problems;
}
