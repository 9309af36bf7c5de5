/**
 * Distributed studies on a real Redis: `mast study --queue` enqueues a study's runs once, two
 * `mast worker` processes train them, one is killed (SIGKILL) in the middle of a run, and the other
 * takes that run over from its checkpoint. Every run finishes exactly once, with the metrics of an
 * undisturbed run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readStudy, studyRuns } from '../../src/study/grid.js';
import { queuedRunStates } from '../../src/study/queue/client.js';
import { QueueError } from '../../src/study/queue/connection.js';
import { parseQueueUrl, runJobId } from '../../src/study/queue/jobs.js';
import { train } from '../../src/marl/training/train.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';
import { readTensorFileMeta } from '../../src/util/tensor-file.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from '../cli/harness.js';
import { REDIS_SKIP, startRedis } from './redis-server.js';

const CLI_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** A `mast worker` process whose output lines are collected. */
interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves with the first line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
}

function startWorker(url: string, name: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    [CLI_MAIN, 'worker', '--queue', url, '--name', name, '--lock-duration', '2', '--exit-when-empty'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) w.resolve(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, exited, waitFor: (pattern) => new Promise((resolve) => waiters.push({ pattern, resolve })) };
}

const withoutTime = (rows: ReturnType<typeof readMetrics>) => rows.map(({ elapsedSec: _t, ...rest }) => rest);

test('queue URLs: redis:// forms parse; anything else is a ConfigError naming the form', () => {
  assert.deepEqual(parseQueueUrl('redis://127.0.0.1:6380/2'), { host: '127.0.0.1', port: 6380, db: 2, tls: false });
  assert.deepEqual(parseQueueUrl('rediss://u:p%40ss@queue.lab'), {
    host: 'queue.lab',
    port: 6379,
    db: 0,
    username: 'u',
    password: 'p@ss',
    tls: true,
  });
  for (const bad of ['localhost:6379', 'http://host:6379', 'redis://host:6379/x', 'not a url']) {
    assert.throws(
      () => parseQueueUrl(bad),
      (e: unknown) => e instanceof ConfigError && /redis:\/\/HOST:PORT/.test((e as Error).message),
      bad,
    );
  }
});

test('a run\'s job id depends on its directory and its config, and holds no ":"', () => {
  const [a, b] = studyRuns({
    dir: '/tmp/s',
    preset: 'demo',
    steps: 100,
    seeds: [1, 2],
    envs: ['recall'],
    algs: ['qmix'],
    modes: ['dense'],
    densities: [0.1],
    overrides: {},
    envOverrides: {},
    finalTests: 1,
    solvedReturn: null,
    winThreshold: null,
    wonFrom: null,
  });
  assert.equal(runJobId(a!.dir, a!.config), runJobId(a!.dir, structuredClone(a!.config)));
  assert.notEqual(runJobId(a!.dir, a!.config), runJobId(b!.dir, a!.config), 'another directory');
  assert.notEqual(runJobId(a!.dir, a!.config), runJobId(a!.dir, { ...a!.config, gamma: 0.9 }), 'another config');
  assert.ok(!runJobId(a!.dir, a!.config).includes(':'));
  assert.throws(() => runJobId('relative/dir', a!.config), RangeError);
});

test(
  'a queue nobody serves is a QueueError naming the address (exit 1), not a hang',
  { skip: REDIS_SKIP },
  async () => {
    const redis = await startRedis();
    const url = redis.url;
    await redis.stop(); // now nothing listens there
    const dir = mkdtempSync(join(tmpdir(), 'mast-queue-'));
    const file = join(dir, 'study.json');
    writeFileSync(
      file,
      JSON.stringify({
        dir: join(dir, 'runs'),
        preset: 'demo',
        steps: 100,
        seeds: [1],
        envs: ['recall'],
        modes: ['dense'],
      }),
    );
    const started = performance.now();
    const { error } = await runCli(['study', file, '--queue', url]);
    assert.ok(error instanceof QueueError, String(error));
    assert.match(
      (error as Error).message,
      new RegExp(`cannot reach the study queue at ${url.replace(/[/.]/g, '\\$&')}: .*ECONNREFUSED`),
    );
    assert.ok(performance.now() - started < 15_000, 'gives up within seconds');
  },
);

test(
  'a study on Redis: enqueued once, trained by two workers, one killed mid-run; every run finishes exactly once with the metrics of an undisturbed run',
  { skip: REDIS_SKIP, timeout: 240_000 },
  async () => {
    const redis = await startRedis();
    const workers: WorkerProcess[] = [];
    try {
      const dir = mkdtempSync(join(tmpdir(), 'mast-queue-'));
      const file = join(dir, 'study.json');
      writeFileSync(
        file,
        JSON.stringify({
          dir: join(dir, 'runs'),
          preset: 'demo',
          steps: 1200,
          seeds: [1, 2],
          envs: ['recall'],
          modes: ['dense', 'static'],
          densities: [0.1],
          overrides: { schedule: { checkpointInterval: 200, testInterval: 400 } },
        }),
      );
      const runs = studyRuns(readStudy(file));
      assert.equal(runs.length, 4);

      // --- enqueue, twice: the second adds nothing
      const first = await runCli(['study', file, '--queue', redis.url]);
      assert.equal(first.error, null, String(first.error));
      assert.match(first.out, /4 runs on the queue at .*: 4 added, 0 already queued, 0 already finished/);
      const second = await runCli(['study', file, '--queue', redis.url]);
      assert.match(second.out, /0 added, 4 already queued, 0 already finished/);

      // --- worker 1 takes a run; worker 2 starts; worker 1 dies once its run has a checkpoint
      const w1 = startWorker(redis.url, 'w1');
      workers.push(w1);
      const startedLine = await w1.waitFor(/: started in /);
      const killedDir = startedLine.split(': started in ')[1]!;
      const w2 = startWorker(redis.url, 'w2');
      workers.push(w2);
      const checkpoint = runPaths(killedDir).checkpoint;
      while (!existsSync(checkpoint)) await new Promise((r) => setTimeout(r, 10));
      w1.child.kill('SIGKILL');
      await w1.exited;
      const atKill = (readTensorFileMeta(checkpoint) as { counters: { tEnv: number } }).counters.tEnv;
      assert.ok(atKill > 0 && atKill < 1200, `killed mid-run (checkpoint at ${atKill} of 1200 steps)`);

      // --- worker 2 empties the queue, taking over the dead worker's run after its lock expires
      assert.equal(await w2.exited, 0, w2.lines.join('\n'));
      const states = await queuedRunStates(redis.url, runs);
      assert.deepEqual(
        states.map((s) => s.state),
        ['completed', 'completed', 'completed', 'completed'],
        JSON.stringify(states),
      );
      assert.ok(states.every((s) => s.trained === 1200));
      const killedLabel = startedLine.split(': started in ')[0]!;
      assert.ok(
        w2.lines.includes(`${killedLabel} (resumed): started in ${killedDir}`),
        `w2 resumed the killed run:\n${w2.lines.join('\n')}`,
      );
      assert.equal(states.find((s) => s.dir === killedDir)?.worker, 'w2', 'the killed run was finished by w2');

      // --- exactly once: each run reported done once, all by w2 (w1 died before finishing any)
      for (const run of runs) {
        const label = states.find((s) => s.dir === run.dir)!.label;
        const done = [...w1.lines, ...w2.lines].filter((l) => l === `${label}: done`);
        assert.equal(done.length, 1, `${label} finished ${done.length} times`);
      }

      // --- the taken-over run has the metrics of an undisturbed one
      const killed = runs.find((r) => r.dir === killedDir)!;
      const undisturbed = mkdtempSync(join(tmpdir(), 'mast-undisturbed-'));
      await train(killed.config, { outDir: undisturbed });
      const expected = withoutTime(readMetrics(runPaths(undisturbed).metrics));
      assert.ok(expected.length >= 3);
      assert.deepEqual(withoutTime(readMetrics(runPaths(killedDir).metrics)), expected);

      // --- enqueuing the finished study adds nothing
      const third = await runCli(['study', file, '--queue', redis.url]);
      assert.match(third.out, /0 added, 0 already queued, 4 already finished/);
      const listing = await runCli(['study', file, '--queue', redis.url, '--list']);
      assert.match(listing.out, /4 runs: 4 completed/);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await redis.stop();
    }
  },
);
