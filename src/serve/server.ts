/**
 * `mast serve`'s HTTP server (fastify): JSON endpoints to open a session, step it and close it, over
 * one `StatelessPolicy`; steps that arrive together run as one engine call per tick (`StepBatcher`).
 *
 *   POST   /sessions             → 201 {session, nAgents, nActions, obsSize, ttlMs}
 *   POST   /sessions/:id/step    {obs, avail?, qValues?} → 200 {actions, qValues?, step}
 *   DELETE /sessions/:id         → 204
 *   GET    /healthz              → 200 {status: "ok", ...}
 *   GET    /metrics              → 200 {decisionsPerSec, latencyMs, sessions, batching, memory, ...}
 *
 * Every refusal is JSON `{error, message}` with a 4xx status: a body that is not JSON or breaks the
 * schema (400), an agent with no available action or numbers beyond float32 (400), an unknown or
 * expired session (404), a second step on a session whose step is in flight (409), a body over the
 * limit (413), another content type (415); the session table full is 503. Only a bug is a 500.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { StatelessPolicy } from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { StepBatcher } from '@mast-toolkit/runtime/internal/runtime/step-batcher';
import { SessionTable } from './sessions.js';
import { ServeMetrics } from './metrics.js';
import { AJV_OPTIONS, SESSION_PARAMS_SCHEMA, STEP_REPLY_SCHEMA, stepBodySchema, type StepBody } from './schemas.js';

/** Options of {@link buildServer}. */
export interface ServeOptions {
  /** Idle time after which a session expires, ms (default 60 000). */
  ttlMs?: number;
  /** Most sessions open at once (default 10 000). */
  maxSessions?: number;
  /** Largest request body, bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Most sessions stepped in one engine call (default 1024); 1: one engine call per request. */
  maxBatch?: number;
  /** Called with every error answered with 500 (a bug, not the request's fault), to log it. */
  onInternalError?: (err: Error) => void;
}

/** Defaults of {@link ServeOptions}. */
export const SERVE_DEFAULTS = { ttlMs: 60_000, maxSessions: 10_000, bodyLimit: 1 << 20, maxBatch: 1024 } as const;

/** A refusal: HTTP status, stable code, reason. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Domain errors a step can raise because of its input: the client's fault (400). */
const INPUT_CODES = new Set(['E_NO_ACTION', 'E_NUMERIC', 'E_SHAPE']);

/**
 * Build the server over a loaded policy (not yet listening: call `listen`). Closing the server
 * (`app.close()`) stops the expiry timer; the caller closes the policy.
 * @throws RangeError for an option out of range.
 */
export function buildServer(policy: StatelessPolicy, options: ServeOptions = {}): FastifyInstance {
  const o = { ...SERVE_DEFAULTS, ...options };
  if (!Number.isInteger(o.bodyLimit) || o.bodyLimit < 1)
    throw new RangeError(`buildServer: bodyLimit must be a positive integer, got ${o.bodyLimit}`);
  const meta = policy.metadata;
  const sessions = new SessionTable({
    ttlMs: o.ttlMs,
    maxSessions: o.maxSessions,
    initialState: () => policy.initialState(),
  });
  const batcher = new StepBatcher(policy, { maxSessions: o.maxBatch });
  const metrics = new ServeMetrics();
  const app = Fastify({
    bodyLimit: o.bodyLimit,
    logger: false,
    ajv: { customOptions: AJV_OPTIONS },
    requestTimeout: 30_000,
  });
  const sweeper = setInterval(() => sessions.sweep(), Math.max(1000, Math.min(o.ttlMs / 4, 30_000)));
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));
  app.addHook('onResponse', async (req, reply) => {
    metrics.response(reply.statusCode);
    if (reply.statusCode === 200 && req.routeOptions.url === '/sessions/:id/step') metrics.decision(reply.elapsedTime);
  });

  app.setErrorHandler((err: FastifyError | Refusal | ToolkitError, _req, reply) => {
    if (err instanceof Refusal) return reply.code(err.status).send({ error: err.code, message: err.message });
    // fastify's own refusals first (some of its errors are RangeErrors): schema, JSON, size, media type
    const status = (err as FastifyError).statusCode;
    if ((err as FastifyError).validation) return reply.code(400).send({ error: 'E_BAD_REQUEST', message: err.message });
    if (status && status >= 400 && status < 500)
      return reply.code(status).send({
        error: status === 413 ? 'E_TOO_LARGE' : status === 415 ? 'E_MEDIA_TYPE' : 'E_BAD_REQUEST',
        message: err.message,
      });
    if (err instanceof ToolkitError && INPUT_CODES.has(err.code))
      return reply.code(400).send({ error: err.code, message: err.message });
    options.onInternalError?.(err);
    return reply.code(500).send({ error: err instanceof ToolkitError ? err.code : 'E_INTERNAL', message: err.message });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: 'E_NO_ROUTE',
      message: `no route ${req.method} ${req.url}; the routes are POST /sessions, POST /sessions/:id/step, DELETE /sessions/:id, GET /healthz, GET /metrics`,
    }),
  );

  const unknown = (id: string): Refusal =>
    new Refusal(
      404,
      'E_NO_SESSION',
      `no open session '${id}': it was never opened, was closed, or expired after ${o.ttlMs} ms idle; open a new one with POST /sessions`,
    );

  app.post('/sessions', async (_req, reply) => {
    const s = sessions.open();
    if (!s)
      throw new Refusal(
        503,
        'E_FULL',
        `${o.maxSessions} sessions are open, the server's limit; close finished sessions (DELETE /sessions/:id) or start it with a larger --max-sessions`,
      );
    return reply.code(201).send({
      session: s.id,
      nAgents: meta.nAgents,
      nActions: meta.nActions,
      obsSize: meta.inputLayout.obs,
      ttlMs: o.ttlMs,
    });
  });

  app.post<{ Params: { id: string }; Body: StepBody }>(
    '/sessions/:id/step',
    { schema: { params: SESSION_PARAMS_SCHEMA, body: stepBodySchema(meta), response: { 200: STEP_REPLY_SCHEMA } } },
    async (req) => {
      const s = sessions.use(req.params.id);
      if (!s) throw unknown(req.params.id);
      if (s.busy)
        throw new Refusal(
          409,
          'E_BUSY',
          `session '${s.id}' has a step in flight; send its next step after the answer to this one`,
        );
      const { obs, avail } = req.body;
      const obsF = obs.map((row) => Float32Array.from(row));
      obsF.forEach((row, i) =>
        row.forEach((v, j) => {
          if (!Number.isFinite(v))
            throw new Refusal(400, 'E_NUMERIC', `body/obs/${i}/${j} is ${obs[i]![j]}, beyond the float32 range`);
        }),
      );
      const availU = avail?.map((row, i) => {
        if (!row.includes(1))
          throw new Refusal(
            400,
            'E_NO_ACTION',
            `body/avail/${i}: agent ${i} has no available action; every agent needs at least one`,
          );
        return Uint8Array.from(row);
      });
      s.busy = true;
      try {
        const d = await batcher.step({ obs: obsF, ...(availU ? { avail: availU } : {}), state: s.state });
        s.state = d.state;
        s.steps++;
        const a = meta.nActions;
        return {
          actions: d.actions,
          step: s.steps,
          ...(req.body.qValues
            ? { qValues: d.actions.map((_, i) => Array.from(d.qValues.subarray(i * a, (i + 1) * a))) }
            : {}),
        };
      } finally {
        sessions.finish(s);
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/sessions/:id',
    { schema: { params: SESSION_PARAMS_SCHEMA } },
    async (req, reply) => {
      if (!sessions.close(req.params.id)) throw unknown(req.params.id);
      return reply.code(204).send();
    },
  );

  app.get('/healthz', async () => ({
    status: 'ok',
    engine: policy.engine,
    env: meta.env,
    sessions: sessions.counts.open,
  }));

  app.get('/metrics', async () => {
    const b = batcher.stats;
    const m = process.memoryUsage();
    return {
      ...metrics.snapshot(),
      sessions: sessions.counts,
      batching: {
        engineCalls: b.calls,
        steps: b.steps,
        queued: b.queued,
        sessionsPerCall: b.calls ? b.steps / b.calls : 0,
        maxBatch: o.maxBatch,
        batchesSessions: policy.batchesSessions,
      },
      engine: policy.engine,
      memory: { rssBytes: m.rss, heapUsedBytes: m.heapUsed },
    };
  });
  return app;
}
