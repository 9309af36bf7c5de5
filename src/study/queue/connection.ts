/**
 * Connecting to a study queue's Redis. With this folder's other files, the only code that imports
 * `bullmq`. BullMQ (through ioredis) retries a lost connection forever, which suits a worker that
 * should ride out a Redis restart but not a command whose server is simply not there: every opening
 * here waits for the first connection a bounded time and then fails with a {@link QueueError}.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import {
  describeQueue,
  parseQueueUrl,
  QUEUE_NAME,
  type QueueAddress,
  type RunJobData,
  type RunJobResult,
} from './jobs.js';

/** A study queue that cannot be reached, or that refused a request. */
export class QueueError extends ToolkitError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_QUEUE', message, options);
  }
}

/** How long one attempt to connect to Redis may take. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Attempts to connect before a command gives up (a queue that was open once retries for ever). */
const CONNECT_ATTEMPTS = 3;

/** Whether a connection has been open once: from then on a lost Redis is waited for, not an error. */
export interface Link {
  opened: boolean;
}

/**
 * BullMQ's connection options for `address`. `blocking` for workers (they wait on Redis without a
 * request limit, as BullMQ requires). Until `link` has opened, ioredis gives up after a few attempts,
 * so a server that is not there is an error, not an endless retry.
 */
export function connectionOptions(address: QueueAddress, blocking: boolean, link: Link): ConnectionOptions {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    ...(address.tls ? { tls: {} } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: blocking ? null : 1,
    retryStrategy: (attempt: number) =>
      link.opened ? Math.min(attempt * 500, 5_000) : attempt >= CONNECT_ATTEMPTS ? null : 250 * attempt,
  };
}

/** The study queue at `url`, once Redis has answered; a {@link QueueError} when it cannot be reached. */
export async function openQueue(
  url: string,
): Promise<{ queue: Queue<RunJobData, RunJobResult>; address: QueueAddress }> {
  const address = parseQueueUrl(url);
  const link: Link = { opened: false };
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, {
    connection: connectionOptions(address, false, link),
  });
  let lastError: Error | null = null;
  queue.on('error', (err) => void (lastError = err)); // ioredis reports each failed attempt here
  try {
    await queue.waitUntilReady();
    await queue.client; // the connection itself, not only its set-up
    link.opened = true;
    return { queue, address };
  } catch (e) {
    await queue.close().catch(() => undefined);
    throw new QueueError(
      `cannot reach the study queue at ${describeQueue(address)}: ${(lastError ?? (e as Error)).message}`,
      {
        hint: 'start Redis there (e.g. `redis-server --port PORT`), or give the right --queue redis://HOST:PORT',
        cause: e,
      },
    );
  }
}
