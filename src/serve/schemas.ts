/**
 * The JSON schemas `mast serve` validates request bodies against, built from the model's metadata so
 * that array lengths are exact: N observations of O numbers, N availability masks of A zeros and
 * ones. Unknown keys are errors; numbers must be finite (a JSON `1e999` parses to Infinity and is
 * refused with the other malformed inputs).
 */
import type { AgentModelMetadata } from '@mast-toolkit/runtime/internal/onnx/agent-contract';

/** The body of `POST /sessions/:id/step`, as the schema admits it. */
export interface StepBody {
  /** One observation per agent, `[N][O]`. */
  obs: number[][];
  /** One availability mask per agent, `[N][A]` of 0/1; all actions when omitted. */
  avail?: (0 | 1)[][];
  /** Return the Q-values `[N][A]` too. */
  qValues?: boolean;
}

/** `n` arrays of `size` items of `item`. */
function matrix(n: number, size: number, item: object): object {
  return {
    type: 'array',
    minItems: n,
    maxItems: n,
    items: { type: 'array', minItems: size, maxItems: size, items: item },
  };
}

/** The step body's schema for a model. */
export function stepBodySchema(meta: AgentModelMetadata): object {
  const { nAgents: n, nActions: a, inputLayout } = meta;
  return {
    type: 'object',
    required: ['obs'],
    additionalProperties: false,
    properties: {
      obs: matrix(n, inputLayout.obs, { type: 'number' }),
      avail: matrix(n, a, { type: 'integer', enum: [0, 1] }),
      qValues: { type: 'boolean' },
    },
  };
}

/** The session id in a URL: a UUID as `SessionTable` makes them. */
export const SESSION_PARAMS_SCHEMA = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
} as const;

/** Validator options: no coercion ("1" stays a string and is refused), no silent removal of unknown keys, finite numbers only. */
export const AJV_OPTIONS = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  allErrors: false,
  strictNumbers: true,
} as const;

/** The step answer's schema (fastify serialises replies with it: faster than JSON.stringify, and nothing else leaks out). */
export const STEP_REPLY_SCHEMA = {
  type: 'object',
  required: ['actions', 'step'],
  properties: {
    actions: { type: 'array', items: { type: 'integer' } },
    step: { type: 'integer' },
    qValues: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
  },
} as const;
