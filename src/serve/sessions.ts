/**
 * The session table of `mast serve`: one small record per open session (its recurrent state, when it
 * was last used, whether a step is in flight), idle sessions expiring after a time-to-live, and a
 * bound on how many are open. Session ids are random UUIDs (node:crypto): they are capabilities a
 * client holds, not part of any seeded computation, so they come from the system's CSPRNG.
 */
import { randomUUID } from 'node:crypto';
import type { PolicyState } from '@mast-toolkit/runtime/internal/runtime/stateless-policy';

/** One open session. */
export interface ServeSession {
  readonly id: string;
  /** The recurrent state the next step starts from. */
  state: PolicyState;
  /** Steps taken. */
  steps: number;
  /** When it was last used (ms, the table's clock). */
  lastUsed: number;
  /** A step is in flight: the session answers no other step until it is done, and never expires meanwhile. */
  busy: boolean;
}

/** Options of {@link SessionTable}. */
export interface SessionTableOptions {
  /** Idle time after which a session expires, ms. */
  ttlMs: number;
  /** Most sessions open at once. */
  maxSessions: number;
  /** The state a new session starts from. */
  initialState: () => PolicyState;
  /** Clock in ms (default `performance.now`); tests pass their own. */
  now?: () => number;
}

/** Counters of a {@link SessionTable}. */
export interface SessionCounts {
  open: number;
  opened: number;
  closed: number;
  expired: number;
}

/** Open sessions by id, with idle expiry. */
export class SessionTable {
  private readonly sessions = new Map<string, ServeSession>();
  private readonly now: () => number;
  private opened = 0;
  private closed = 0;
  private expired = 0;

  /** @throws RangeError when `ttlMs` or `maxSessions` is not a positive integer. */
  constructor(private readonly options: SessionTableOptions) {
    if (!Number.isInteger(options.ttlMs) || options.ttlMs < 1)
      throw new RangeError(`SessionTable: ttlMs must be a positive integer, got ${options.ttlMs}`);
    if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1)
      throw new RangeError(`SessionTable: maxSessions must be a positive integer, got ${options.maxSessions}`);
    this.now = options.now ?? (() => performance.now());
  }

  /** Open a session at the initial state; undefined when `maxSessions` are open (after expiring idle ones). */
  open(): ServeSession | undefined {
    if (this.sessions.size >= this.options.maxSessions) this.sweep();
    if (this.sessions.size >= this.options.maxSessions) return undefined;
    const session: ServeSession = {
      id: randomUUID(),
      state: this.options.initialState(),
      steps: 0,
      lastUsed: this.now(),
      busy: false,
    };
    this.sessions.set(session.id, session);
    this.opened++;
    return session;
  }

  /** The open session `id`, marked as used now; undefined when unknown, closed or expired. */
  use(id: string): ServeSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.isExpired(s)) {
      this.sessions.delete(id);
      this.expired++;
      return undefined;
    }
    s.lastUsed = this.now();
    return s;
  }

  /** A step of `s` has ended (answered or failed): it may step again, and its idle time starts now. */
  finish(s: ServeSession): void {
    s.busy = false;
    s.lastUsed = this.now();
  }

  /** Close session `id`; false when it is unknown (or already closed or expired). */
  close(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.sessions.delete(id);
    if (this.isExpired(s)) {
      this.expired++;
      return false;
    }
    this.closed++;
    return true;
  }

  /** Remove every expired session; returns how many. */
  sweep(): number {
    let n = 0;
    for (const [id, s] of this.sessions) {
      if (this.isExpired(s)) {
        this.sessions.delete(id);
        n++;
      }
    }
    this.expired += n;
    return n;
  }

  /** Counters since construction. */
  get counts(): SessionCounts {
    return { open: this.sessions.size, opened: this.opened, closed: this.closed, expired: this.expired };
  }

  private isExpired(s: ServeSession): boolean {
    return !s.busy && this.now() - s.lastUsed > this.options.ttlMs;
  }
}
