/**
 * The contract between `mast study --queue` (which enqueues a study's runs) and `mast worker` (which
 * trains them): the queue's address, a run's job id, and what a job carries and returns. Neither side
 * owns it, and nothing here touches Redis, so the contract can be read and tested without a server.
 */
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { configHash, type TrainConfig } from '../../config/index.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';

/** The BullMQ queue every study's runs go to; a job id tells runs of different studies apart. */
export const QUEUE_NAME = 'mast-study';

/** Where a study queue lives: a Redis server given as `redis://[user:password@]host:port[/db]`. */
export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** `rediss://`: TLS. */
  tls: boolean;
}

/** Parse a `--queue` URL; anything else is a {@link ConfigError} naming the expected form. */
export function parseQueueUrl(url: string): QueueAddress {
  const form = 'redis://HOST:PORT (or redis://HOST:PORT/DB, rediss:// for TLS, redis://USER:PASSWORD@HOST:PORT)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--queue: '${url}' is not a URL`, { hint: `give ${form}` });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`--queue: '${url}' is not a Redis URL (scheme ${parsed.protocol})`, { hint: `give ${form}` });
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbPath = parsed.pathname.replace(/^\//, '');
  const db = dbPath === '' ? 0 : Number(dbPath);
  if (parsed.hostname === '') throw new ConfigError(`--queue: '${url}' names no host`, { hint: `give ${form}` });
  if (!Number.isInteger(db) || db < 0)
    throw new ConfigError(`--queue: '${dbPath}' in '${url}' is not a database number`, { hint: `give ${form}` });
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    tls: parsed.protocol === 'rediss:',
  };
}

/** The queue's address as people read it (no password). */
export function describeQueue(address: QueueAddress): string {
  return `${address.tls ? 'rediss' : 'redis'}://${address.host}:${address.port}${address.db ? `/${address.db}` : ''}`;
}

/** What a run's job carries: everything a worker on another machine needs to train it. */
export interface RunJobData {
  /** The study file the run came from (as the enqueuing machine resolved it), for people reading the queue. */
  study: string;
  /** The run directory: an absolute path, the same on every worker (a shared file system). */
  dir: string;
  /** How progress lines name the run, e.g. `recall qmix mast 0.1 seed 3`. */
  label: string;
  /** The run's full, validated config. */
  config: TrainConfig;
}

/** What a worker reports when it finishes a run's job. */
export interface RunJobResult {
  dir: string;
  /** The worker that finished it (`--name`, by default host:pid). */
  worker: string;
  /** Environment steps the run has trained. */
  steps: number;
  /** Whether this worker went on from a checkpoint another process (or an earlier attempt) left. */
  resumed: boolean;
  /** The last greedy test return, null when the run never tested. */
  finalReturn: number | null;
  /** Seconds this worker trained the run. */
  elapsedSec: number;
}

/** Progress a worker reports while it trains a run. */
export interface RunJobProgress {
  worker: string;
  tEnv: number;
  steps: number;
}

/**
 * A run's job id: its directory and its config's hash. Enqueuing the same study twice adds nothing
 * (BullMQ keeps one job per id), while a study whose settings changed gets new jobs for the runs
 * that changed. Ids hold no ':' (BullMQ's separator).
 */
export function runJobId(dir: string, config: TrainConfig): string {
  if (!isAbsolute(dir)) throw new RangeError(`runJobId: the run directory must be absolute, got '${dir}'`);
  const where = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return `run-${where}-${configHash(config)}`;
}
