/**
 * `npm run bench -- serve [--seconds S] [--json]`: load on `mast serve` over loopback. For each
 * configuration a real `mast serve` process is started (this build's CLI, `--port 0`), and N
 * simulated clients, each holding one session at a time, play episodes of `EPISODE` steps (open,
 * step, …, close, open again) as fast as the server answers, for S seconds after a 1 s warm-up.
 * Observations are random valid ones (seeded Rng; each agent with a random non-empty set of
 * available actions) for the shipped `smaclite/3m` MAST agent at density 0.1. Reported per
 * configuration: decisions/s (one decision = one session step of all agents), client-side round-trip
 * p50/p99, errors (any non-2xx or network failure) and lost sessions (a 404 on a session its client
 * holds), and the server's own engine calls per step. Configurations: the sparse engine batched
 * (one engine call per tick), ONNX Runtime batched, and ONNX Runtime with one call per request
 * (`--max-batch 1`), at 1, 100 and 1,000 concurrent sessions; the headline ratio is batched sparse
 * over one ORT call per request at 100 sessions, measured in the same run. Memory per session is
 * measured in-process: heap growth over 10,000 stepped sessions in the server's session table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { StatelessPolicy } from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { SessionTable } from '../src/serve/sessions.js';
import { Rng } from '../src/util/rng.js';
import { formatMachine, machineInfo, type MachineInfo } from './machine.js';

const MODEL = fileURLToPath(new URL('../../models/smaclite_3m-mast-d0.1.onnx', import.meta.url));
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const EPISODE = 20;
const WARMUP_MS = 1000;
/** Extra back-to-back pairs (batched sparse, one ORT call per request) at 100 sessions for the headline ratio. */
const PAIRS = 2;

/** One configuration of the server and the load. */
interface ServeConfig {
  engine: 'sparse' | 'ort';
  maxBatch: number;
  sessions: number;
}

/** What one configuration measured. */
export interface ServeRow extends ServeConfig {
  label: string;
  decisionsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  decisions: number;
  errors: number;
  lostSessions: number;
  episodes: number;
  /** Server side: engine calls per session step, and sessions left open after the clients closed theirs. */
  stepsPerEngineCall: number;
  leftOpen: number;
  serverRssMB: number;
}

/** The bench's result. */
export interface ServeSummary {
  machine: MachineInfo;
  model: string;
  seconds: number;
  rows: ServeRow[];
  /** Batched sparse over one ORT call per request, decisions/s at 100 sessions: the median of the grid's pair and `PAIRS` more run back to back. */
  ratioAt100: number;
  /** Every pair's ratio, in order. */
  ratiosAt100: number[];
  /** Heap and array-buffer bytes per open session (state of 3 agents × H 64 + the table's record), median of 3 rounds of 10,000. */
  bytesPerSession: number;
}

/** Start `mast serve`; resolves with the process and its base URL once it listens. */
function startServer(c: ServeConfig): Promise<{ child: ChildProcess; base: string }> {
  const args = [
    CLI,
    'serve',
    MODEL,
    '--port',
    '0',
    '--engine',
    c.engine,
    '--max-batch',
    String(c.maxBatch),
    '--ttl',
    '600',
    '--max-sessions',
    '20000',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ child, base: m[1] as string });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`mast serve exited (${code}) before listening: ${out}`)));
  });
}

/**
 * A minimal HTTP/1.1 client on one keep-alive socket, one request at a time (as wrk and autocannon
 * do): the load generator shares the machine's two cores with the server, so it should cost as
 * little as it can; node:http's client costs about as much per request as the server does. It reads
 * fastify's answers, which always carry a Content-Length (204: none, no body).
 */
class RawClient {
  private socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: ((r: { status: number; text: string }) => void) | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = this.connect();
  }

  private connect(): Socket {
    const socket = createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    const fail = (): void => {
      this.buffer = Buffer.alloc(0);
      const p = this.pending;
      this.pending = null;
      p?.({ status: 0, text: '' });
    };
    socket.on('error', fail);
    socket.on('close', fail);
    return socket;
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    const head = this.buffer.indexOf('\r\n\r\n');
    if (head < 0) return;
    const header = this.buffer.toString('latin1', 0, head);
    const status = Number(header.slice(9, 12));
    const m = /\r\ncontent-length: *(\d+)/i.exec(header);
    const length = m ? Number(m[1]) : 0;
    if (this.buffer.length < head + 4 + length) return;
    const text = this.buffer.toString('utf8', head + 4, head + 4 + length);
    this.buffer = this.buffer.subarray(head + 4 + length);
    const p = this.pending;
    this.pending = null;
    p?.({ status, text });
  }

  /** One exchange; status 0 when the connection failed (it reconnects for the next). */
  call(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    if (this.socket.destroyed) this.socket = this.connect();
    return new Promise((resolve) => {
      this.pending = resolve;
      const head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n${body === undefined ? '' : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`}\r\n`;
      this.socket.write(body === undefined ? head : head + body);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Pre-serialised step bodies: random observations in [−1, 1], random non-empty availability. */
function stepBodies(rng: Rng, n: number, o: number, a: number, count: number): string[] {
  return Array.from({ length: count }, () => {
    const obs = Array.from({ length: n }, () => Array.from({ length: o }, () => Number(rng.uniform(-1, 1).toFixed(4))));
    const avail = Array.from({ length: n }, () => {
      const m = Array.from({ length: a }, () => (rng.next() < 0.7 ? 1 : 0));
      m[rng.int(a)] = 1;
      return m;
    });
    return JSON.stringify({ obs, avail });
  });
}

/** Nearest-rank quantile of sorted values. */
const quantile = (sorted: Float64Array, q: number): number =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number) : NaN;

/** Run one configuration. */
export async function runConfig(c: ServeConfig, seconds: number, bodies: string[]): Promise<ServeRow> {
  const { child, base } = await startServer(c);
  const url = new URL(base);
  const latencies: number[] = [];
  let [errors, lost, episodes, warm] = [0, 0, 0, 0];
  // the window opens once every client has made its first step (1,000 sessions take seconds to open)
  let [measureFrom, end] = [Infinity, performance.now() + 120_000]; // a bound in case the clients never all start
  const client = async (k: number): Promise<void> => {
    const http = new RawClient(url.hostname, Number(url.port));
    let t = k;
    let first = true;
    while (performance.now() < end) {
      const open = await http.call('POST', '/sessions');
      if (open.status !== 201) {
        errors++;
        continue;
      }
      const id = (JSON.parse(open.text) as { session: string }).session;
      let step = 0;
      for (; step < EPISODE && performance.now() < end; step++) {
        const start = performance.now();
        const res = await http.call('POST', `/sessions/${id}/step`, bodies[t++ % bodies.length]);
        const done = performance.now();
        if (res.status === 404) lost++;
        if (res.status !== 200) {
          errors++;
          break;
        }
        if (done >= measureFrom && done <= end) latencies.push(done - start);
        if (first && ++warm === c.sessions) [measureFrom, end] = [done + WARMUP_MS, done + WARMUP_MS + seconds * 1000];
        first = false;
      }
      const closed = await http.call('DELETE', `/sessions/${id}`);
      if (closed.status === 404) lost++;
      else if (closed.status !== 204) errors++;
      if (step === EPISODE) episodes++;
    }
    http.close();
  };
  await Promise.all(Array.from({ length: c.sessions }, (_, k) => client(k)));
  const probe = new RawClient(url.hostname, Number(url.port));
  const metrics = JSON.parse((await probe.call('GET', '/metrics')).text) as {
    batching: { engineCalls: number; steps: number };
    sessions: { open: number };
    memory: { rssBytes: number };
  };
  probe.close();
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
  const sorted = Float64Array.from(latencies).sort();
  const label = `${c.engine === 'sparse' ? 'sparse engine' : 'ONNX Runtime'}, ${c.maxBatch === 1 ? 'one call per request' : 'batched'}`;
  return {
    ...c,
    label,
    decisionsPerSec: latencies.length / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    decisions: latencies.length,
    errors,
    lostSessions: lost,
    episodes,
    stepsPerEngineCall: metrics.batching.engineCalls ? metrics.batching.steps / metrics.batching.engineCalls : 0,
    leftOpen: metrics.sessions.open,
    serverRssMB: metrics.memory.rssBytes / 2 ** 20,
  };
}

/** Heap bytes per session: 10,000 sessions of the server's table, each holding a stepped state. */
async function bytesPerSession(): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // array buffers' backing stores are freed after the collection that finds them dead: collect, wait, collect
  const settle = async (): Promise<void> => {
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
  };
  const policy = await StatelessPolicy.create(MODEL, { engine: 'sparse' });
  const { nAgents: n, inputLayout } = policy.metadata;
  const stepped = (
    await policy.step({
      obs: Array.from({ length: n }, () => new Float32Array(inputLayout.obs)),
      state: policy.initialState(),
    })
  ).state;
  const perSession: number[] = [];
  for (let round = 0; round < 3; round++) {
    const table = new SessionTable({ ttlMs: 600_000, maxSessions: 20_000, initialState: () => policy.initialState() });
    await settle();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const count = 10_000;
    for (let i = 0; i < count; i++) {
      const s = table.open()!;
      s.state = { hidden: new Float32Array(stepped.hidden), lastActions: new Int32Array(stepped.lastActions) };
    }
    await settle();
    perSession.push((process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - before) / count);
    if (table.counts.open !== count) throw new Error('the table lost sessions');
  }
  await policy.close();
  return perSession.sort((x, y) => x - y)[1] as number;
}

/** Run every configuration. */
export async function serveBench(seconds: number, log: (line: string) => void = () => {}): Promise<ServeSummary> {
  const machine = machineInfo();
  log(formatMachine(machine));
  const policy = await StatelessPolicy.create(MODEL, { engine: 'sparse' });
  const { nAgents, nActions, inputLayout } = policy.metadata;
  await policy.close();
  const bodies = stepBodies(new Rng(28), nAgents, inputLayout.obs, nActions, 256);
  const configs: ServeConfig[] = [];
  for (const sessions of [1, 100, 1000]) {
    configs.push(
      { engine: 'sparse', maxBatch: 1024, sessions },
      { engine: 'ort', maxBatch: 1024, sessions },
      { engine: 'ort', maxBatch: 1, sessions },
    );
  }
  const rows: ServeRow[] = [];
  for (const c of configs) {
    const row = await runConfig(c, seconds, bodies);
    rows.push(row);
    log(formatServeRow(row));
  }
  const at100 = (engine: string, maxBatch: number): number =>
    rows.find((r) => r.sessions === 100 && r.engine === engine && r.maxBatch === maxBatch)?.decisionsPerSec ?? NaN;
  const ratios = [at100('sparse', 1024) / at100('ort', 1)];
  for (let p = 0; p < PAIRS; p++) {
    const sparse = await runConfig({ engine: 'sparse', maxBatch: 1024, sessions: 100 }, seconds, bodies);
    const ort = await runConfig({ engine: 'ort', maxBatch: 1, sessions: 100 }, seconds, bodies);
    log(`pair ${p + 1}: ${formatServeRow(sparse)}`);
    log(`pair ${p + 1}: ${formatServeRow(ort)}`);
    ratios.push(sparse.decisionsPerSec / ort.decisionsPerSec);
  }
  const ratioAt100 = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)] as number;
  return {
    machine,
    model: 'models/smaclite_3m-mast-d0.1.onnx',
    seconds,
    rows,
    ratioAt100,
    ratiosAt100: ratios,
    bytesPerSession: await bytesPerSession(),
  };
}

/** One row as a line. */
export function formatServeRow(r: ServeRow): string {
  return `${String(r.sessions).padStart(5)} sessions  ${r.label.padEnd(38)} ${r.decisionsPerSec.toFixed(0).padStart(7)} decisions/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}  lost ${r.lostSessions}  left open ${r.leftOpen}  episodes ${r.episodes}  ${r.stepsPerEngineCall.toFixed(1)} steps/engine call  server RSS ${r.serverRssMB.toFixed(0)} MB`;
}

/** The summary's closing lines. */
export function formatServe(s: ServeSummary): string[] {
  return [
    `batched sparse / one ORT call per request at 100 sessions: ${s.ratioAt100.toFixed(2)}× decisions/s (median of ${s.ratiosAt100.length} back-to-back pairs in this run: ${s.ratiosAt100.map((r) => r.toFixed(2)).join(', ')})`,
    `memory per open session: ${s.bytesPerSession.toFixed(0)} bytes (heap + array buffers; median of 3 rounds of 10,000 stepped sessions in the session table; the state itself: 3 × 64 floats + 3 actions = 780 bytes)`,
    `threads: server one Node process (ONNX Runtime 1 intra-op + 1 inter-op thread; the sparse engine on the main thread), clients one Node process; load average after: ${machineInfo()
      .loadAvg.map((l) => l.toFixed(2))
      .join(' ')}`,
  ];
}
