/**
 * The only importer of onnxruntime-node: one inference session over an exported agent network.
 * ONNX Runtime densifies sparse initializers when it loads a model, so it gives the storage win of a
 * sparse export but computes densely.
 */
import * as ort from 'onnxruntime-node';
import { ShapeError, ToolkitError } from '../util/errors.js';
import { checkFinite, closedError } from './guards.js';
import { AGENT_IO, BATCH_IO, type AgentIoNames } from '../onnx/agent-contract.js';
import {
  ORT_OPTIMIZATION_LEVELS,
  type AgentDims,
  type AgentEngine,
  type BatchAgentsRunner,
  type OrtSessionOptions,
} from './engine-types.js';

export type { AgentDims };

export type { AgentIoNames };

const DEFAULT_IO: AgentIoNames = AGENT_IO;

/**
 * The session options `options` asks for over the defaults (one intra-op and one inter-op thread:
 * per-decision batches are tiny, and one thread keeps results reproducible; every graph optimisation).
 * @throws RangeError for a thread count that is not a non-negative integer or an unknown level.
 */
export function ortSessionOptions(options: OrtSessionOptions = {}): ort.InferenceSession.SessionOptions {
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 1024))
      throw new RangeError(`ONNX Runtime option ${key} must be an integer in [0, 1024] (0: one per core), got ${v}`);
  }
  const level = options.graphOptimizationLevel ?? 'all';
  if (!ORT_OPTIMIZATION_LEVELS.includes(level))
    throw new RangeError(
      `ONNX Runtime option graphOptimizationLevel must be one of ${ORT_OPTIMIZATION_LEVELS.join(', ')}, got '${level}'`,
    );
  // warnings (shape-merge notes on damaged files) are noise; errors reach the user as ToolkitErrors
  return {
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    interOpNumThreads: options.interOpNumThreads ?? 1,
    graphOptimizationLevel: level,
    logSeverityLevel: 3,
  };
}

/** Open an inference session; a failure is a ToolkitError naming the model and `exportHint`'s fix. */
async function openSession(
  model: string | Uint8Array,
  what: string,
  exportHint: string,
  sessionOptions: OrtSessionOptions = {},
): Promise<ort.InferenceSession> {
  const options = ortSessionOptions(sessionOptions);
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  } catch (err) {
    throw new ToolkitError('E_ONNX_LOAD', `ONNX Runtime could not load ${what}: ${(err as Error).message}`, {
      hint: `export the model again with \`${exportHint}\``,
      cause: err,
    });
  }
}

/** Run a session; a failure (inputs the graph does not take) is a ToolkitError with `exportHint`'s fix. */
async function runSession(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  exportHint: string,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    return await session.run(feeds);
  } catch (err) {
    throw new ToolkitError('E_ONNX_LOAD', `ONNX Runtime could not run the model: ${(err as Error).message}`, {
      hint: `the model does not match its metadata; export it again with \`${exportHint}\``,
      cause: err,
    });
  }
}

/** An ONNX Runtime session stepping the agent network for a batch of rows. */
export class AgentSession implements AgentEngine {
  private closed = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly dims: AgentDims,
    private readonly io: AgentIoNames,
    private readonly what: string,
  ) {}

  /**
   * Load a model (file path or bytes) into ONNX Runtime.
   * @param what names the model in errors.
   * @param io graph input/output names, for models exported elsewhere (e.g. from PyTorch).
   * @param options ONNX Runtime session options (threads, graph optimisation level).
   */
  static async create(
    model: string | Uint8Array,
    dims: AgentDims,
    what = typeof model === 'string' ? model : 'model',
    io: AgentIoNames = DEFAULT_IO,
    options: OrtSessionOptions = {},
  ): Promise<AgentSession> {
    return new AgentSession(await openSession(model, what, 'mast export', options), dims, io, what);
  }

  /**
   * One step for `batch` rows.
   * @param inputs `[batch, In]` row-major
   * @param hidden `[batch, H]` row-major
   * @returns Q-values `[batch, A]` and the next hidden state `[batch, H]`
   */
  async run(
    inputs: Float32Array,
    hidden: Float32Array,
    batch: number,
  ): Promise<{ qValues: Float32Array; hidden: Float32Array }> {
    if (this.closed) throw closedError(`the ONNX Runtime session of ${this.what}`);
    const { inputSize, hidden: h } = this.dims;
    if (!Number.isInteger(batch) || batch < 1)
      throw new ShapeError(`AgentSession.run: batch must be a positive integer, got ${batch}`);
    if (inputs.length !== batch * inputSize)
      throw new ShapeError(`AgentSession.run: inputs has ${inputs.length} values, expected ${batch}×${inputSize}`);
    if (hidden.length !== batch * h)
      throw new ShapeError(`AgentSession.run: hidden has ${hidden.length} values, expected ${batch}×${h}`);
    checkFinite(inputs, inputSize, 'AgentSession.run: inputs');
    checkFinite(hidden, h, 'AgentSession.run: hidden');
    const feeds = {
      [this.io.inputs]: new ort.Tensor('float32', inputs, [batch, inputSize]),
      [this.io.hIn]: new ort.Tensor('float32', hidden, [batch, h]),
    };
    const out = await runSession(this.session, feeds, 'mast export');
    const q = out[this.io.qValues];
    const hOut = out[this.io.hOut];
    if (!q || !hOut)
      throw new ToolkitError('E_ONNX_LOAD', `the model has no ${this.io.qValues} / ${this.io.hOut} outputs`, {
        hint: 'export it again with `mast export`',
      });
    return { qValues: q.data as Float32Array, hidden: hOut.data as Float32Array };
  }

  /** {@link run} into caller-owned arrays: `qOut` `[batch, A]`, `hOut` `[batch, H]` (may be `hidden`). */
  async runInto(
    inputs: Float32Array,
    hidden: Float32Array,
    batch: number,
    qOut: Float32Array,
    hOut: Float32Array,
  ): Promise<void> {
    const out = await this.run(inputs, hidden, batch);
    qOut.set(out.qValues);
    hOut.set(out.hidden);
  }

  /** Release the native session; afterwards every call throws `E_CLOSED` (a second close does nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }
}

/** An ONNX Runtime session over a batch-agents graph (`mast export --batch-agents`): observations in, actions out. */
export class BatchAgentsSession implements BatchAgentsRunner {
  private closed = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly dims: AgentDims & { nAgents: number; obs: number; lastAction: boolean },
  ) {}

  /** Load a batch-agents model, with ONNX Runtime session `options` (threads, graph optimisation level). */
  static async create(
    model: Uint8Array,
    dims: BatchAgentsSession['dims'],
    what: string,
    options: OrtSessionOptions = {},
  ): Promise<BatchAgentsSession> {
    return new BatchAgentsSession(await openSession(model, what, 'mast export --batch-agents', options), dims);
  }

  /**
   * One step for every agent.
   * @param obs `[N, O]`; @param lastAction `[N, A]` one-hot (zeros at the first step); @param avail `[N, A]` 0/1; @param hidden `[N, H]`
   */
  async run(
    obs: Float32Array,
    lastAction: Float32Array,
    avail: Float32Array,
    hidden: Float32Array,
  ): Promise<{ actions: number[]; qValues: Float32Array; hidden: Float32Array }> {
    if (this.closed) throw closedError('the ONNX Runtime session');
    const { nAgents: n, obs: o, nActions: a, hidden: h } = this.dims;
    if (obs.length !== n * o || avail.length !== n * a || hidden.length !== n * h)
      throw new ShapeError(`BatchAgentsSession.run: expected obs ${n}×${o}, avail ${n}×${a}, hidden ${n}×${h}`);
    const feeds: Record<string, ort.Tensor> = {
      [BATCH_IO.obs]: new ort.Tensor('float32', obs, [n, o]),
      [BATCH_IO.avail]: new ort.Tensor('float32', avail, [n, a]),
      [BATCH_IO.hIn]: new ort.Tensor('float32', hidden, [n, h]),
    };
    if (this.dims.lastAction) feeds[BATCH_IO.lastAction] = new ort.Tensor('float32', lastAction, [n, a]);
    const out = await runSession(this.session, feeds, 'mast export --batch-agents');
    const [actionsOut, qOut, hOut] = [out[BATCH_IO.actions], out[BATCH_IO.qValues], out[BATCH_IO.hOut]];
    if (!actionsOut || !qOut || !hOut)
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `the batch-agents model has no ${BATCH_IO.actions} / ${BATCH_IO.qValues} / ${BATCH_IO.hOut} outputs`,
        { hint: 'export it again with `mast export --batch-agents`' },
      );
    const actions = Array.from(actionsOut.data as BigInt64Array, (v) => Number(v));
    return { actions, qValues: qOut.data as Float32Array, hidden: hOut.data as Float32Array };
  }

  /** Release the native session; afterwards every call throws `E_CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }
}
