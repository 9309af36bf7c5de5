/** Lock files (`src/util/lock.ts`): one writer per run directory, stale locks taken over safely. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { acquireLock, acquireLockFromOtherHost, lockOwner, tryLock } from '../../src/util/lock.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';

const lockIn = (): string => join(mkdtempSync(join(tmpdir(), 'mast-lock-')), 'run.lock');
const owner = (pid: number, host = hostname()): string =>
  JSON.stringify({ pid, host, started: '2026-12-07T06:00:00.000Z' });
const DEAD = 4194303; // above Linux's default pid_max: no such process

test('a lock records pid, host and start time; a second taker is refused while it is held; release frees it', () => {
  const path = lockIn();
  const lock = tryLock(path);
  assert.ok(lock);
  const rec = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; host: string; started: string };
  assert.deepEqual([rec.pid, rec.host], [process.pid, hostname()]);
  assert.ok(!Number.isNaN(Date.parse(rec.started)));
  assert.equal(tryLock(path), null, 'held by this (live) process');
  assert.throws(
    () => acquireLock(path, 'run directory x'),
    (e: unknown) =>
      e instanceof ToolkitError &&
      e.code === 'E_LOCKED' &&
      new RegExp(`process ${process.pid} on ${hostname()}`).test(e.message),
  );
  lock.release();
  assert.ok(!existsSync(path));
  assert.equal(lockOwner(path), null);
});

test('a stale lock (dead pid on this host, or a bare dead pid) is taken over; a live or foreign-host one is not', () => {
  for (const text of [owner(DEAD), String(DEAD)]) {
    const path = lockIn();
    writeFileSync(path, text);
    assert.equal(lockOwner(path), null);
    const lock = tryLock(path);
    assert.ok(lock, text);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid, process.pid);
    assert.ok(!existsSync(`${path}.takeover`), 'the takeover guard is removed');
    lock.release();
  }
  const live = lockIn();
  writeFileSync(live, owner(process.ppid));
  assert.equal(tryLock(live), null);
  assert.equal(lockOwner(live)?.pid, process.ppid);
  const foreign = lockIn();
  writeFileSync(foreign, owner(DEAD, 'another-host.example'));
  assert.equal(tryLock(foreign), null, 'a pid on another host cannot be checked: held');
});

test('release never deletes a lock another process has taken over', () => {
  const path = lockIn();
  const lock = tryLock(path)!;
  writeFileSync(path, owner(process.ppid)); // taken over meanwhile
  lock.release();
  assert.equal(readFileSync(path, 'utf8'), owner(process.ppid));
});

test('an unreadable lock is held while fresh (being written) and stale once old; a takeover in progress is respected', () => {
  const path = lockIn();
  writeFileSync(path, '');
  assert.equal(tryLock(path), null, 'just created, not yet written');
  const old = new Date(Date.now() - 60_000);
  utimesSync(path, old, old);
  const lock = tryLock(path);
  assert.ok(lock, 'an old unreadable lock is junk');
  lock.release();
  writeFileSync(path, owner(DEAD));
  writeFileSync(`${path}.takeover`, String(process.ppid)); // another process is taking it over now
  assert.equal(tryLock(path), null);
  utimesSync(`${path}.takeover`, old, old); // … and died doing so
  assert.ok(tryLock(path));
});

test('processes racing for the same stale lock: exactly one takes it', async () => {
  const module = new URL('../../src/util/lock.js', import.meta.url).href;
  for (let round = 0; round < 3; round++) {
    const path = lockIn();
    writeFileSync(path, owner(DEAD));
    const start = Date.now() + 400; // all children try at once
    const script = `const { tryLock } = await import(${JSON.stringify(module)}); while (Date.now() < ${start}); const l = tryLock(${JSON.stringify(path)}); console.log(l ? 'got' : 'refused'); await new Promise((r) => setTimeout(r, 300));`;
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let out = '';
            child.stdout.on('data', (c: Buffer) => (out += c.toString()));
            child.on('close', () => resolve(out.trim()));
          }),
      ),
    );
    assert.equal(results.filter((r) => r === 'got').length, 1, results.join(', '));
    assert.equal(results.filter((r) => r === 'refused').length, 3, results.join(', '));
  }
});

test('a study queue worker takes a lock left on another host (a lost worker), never one a live process here holds', () => {
  const path = lockIn();
  writeFileSync(path, owner(process.pid, 'lost-machine'));
  assert.throws(
    () => acquireLock(path, 'run directory x'),
    (e: unknown) => e instanceof ToolkitError && e.code === 'E_LOCKED',
    'a foreign-host lock binds an ordinary taker',
  );
  const { lock, displaced } = acquireLockFromOtherHost(path, 'run directory x');
  assert.deepEqual(displaced, { pid: process.pid, host: 'lost-machine', started: '2026-12-07T06:00:00.000Z' });
  assert.equal(
    (JSON.parse(readFileSync(path, 'utf8')) as { host: string }).host,
    hostname(),
    "the lock is now this process's",
  );
  lock.release();
  assert.ok(!existsSync(path));

  const held = tryLock(path)!; // a live process on this host
  assert.throws(
    () => acquireLockFromOtherHost(path, 'run directory x'),
    (e: unknown) => e instanceof ToolkitError && e.code === 'E_LOCKED',
  );
  held.release();
  const free = acquireLockFromOtherHost(path, 'run directory x');
  assert.equal(free.displaced, null, 'a free lock displaces nobody');
  free.lock.release();
});
