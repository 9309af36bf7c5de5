/**
 * Parsing the values of a model's `mast.*` metadata strings. A damaged string (one flipped bit is
 * enough) becomes a ToolkitError naming the key, never a JSON SyntaxError or an allocation of the
 * size it claims: every count is bounded by the documented limits (limits.ts).
 */
import { ToolkitError } from '../util/errors.js';
import type { InputLayout } from '../snapshot/types.js';
import { MAX_AGENT_WIDTH } from './limits.js';

const hint = 'the model’s mast.* metadata is damaged; export it again with `mast export`';

/** The error for metadata `key` holding `value`, which is not `expected`. */
function bad(what: string, key: string, value: string, expected: string): ToolkitError {
  const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return new ToolkitError('E_ONNX_LOAD', `${what}: metadata '${key}' is '${shown}', not ${expected}`, { hint });
}

/** A positive integer count at most `max` (hidden units, actions, agents). */
export function parseCount(what: string, key: string, value: string, max = MAX_AGENT_WIDTH): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw bad(what, key, value, `an integer in [1, ${max}]`);
  return n;
}

/** Any finite number (density, seed, step counts). */
export function parseNumber(what: string, key: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw bad(what, key, value, 'a number');
  return n;
}

/** A JSON value. */
export function parseJson(what: string, key: string, value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw bad(what, key, value, 'valid JSON');
  }
}

/** `mast.input_layout`: `{obs, lastAction, agentId}`, non-negative integers adding up to at most {@link MAX_AGENT_WIDTH}, obs ≥ 1. */
export function parseInputLayout(what: string, value: string): InputLayout {
  const v = parseJson(what, 'mast.input_layout', value) as Partial<Record<keyof InputLayout, unknown>> | null;
  const part = (n: unknown, min: number): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX_AGENT_WIDTH;
  if (
    !v ||
    typeof v !== 'object' ||
    !part(v.obs, 1) ||
    !part(v.lastAction, 0) ||
    !part(v.agentId, 0) ||
    v.obs + v.lastAction + v.agentId > MAX_AGENT_WIDTH
  ) {
    throw bad(
      what,
      'mast.input_layout',
      value,
      `{"obs", "lastAction", "agentId"} with integer parts adding up to at most ${MAX_AGENT_WIDTH}`,
    );
  }
  return { obs: v.obs, lastAction: v.lastAction, agentId: v.agentId };
}
