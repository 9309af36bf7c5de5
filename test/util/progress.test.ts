import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgress } from '../../src/util/progress.js';

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean; columns?: number }; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (chunk, _e, cb) => ((text += String(chunk)), cb()) }) as Writable & {
    isTTY?: boolean;
    columns?: number;
  };
  stream.isTTY = isTTY;
  stream.columns = 200;
  return { stream, text: () => text };
}

test('on a TTY: one redrawn line with a bar, percentage and fields', () => {
  let t = 0;
  const s = sink(true);
  const p = createProgress({ total: 100, label: 'train', stream: s.stream, now: () => t });
  t = 1000;
  p.update(50, { eps: '0.50' });
  p.done('finished');
  assert.match(s.text(), /\rtrain \[#{12}-{12}\] 50\/100 \(50%\)/);
  assert.match(s.text(), /eps 0\.50/);
  assert.match(s.text(), /train: finished\n$/);
});

test('elsewhere: plain lines, throttled, with a final line', () => {
  let t = 0;
  const s = sink(false);
  const p = createProgress({ total: 10, label: 'train', stream: s.stream, minIntervalMs: 1000, now: () => t });
  for (let i = 1; i <= 10; i++) {
    t += 300;
    p.update(i);
  }
  p.done();
  const lines = s.text().trim().split('\n');
  assert.ok(!s.text().includes('\r'));
  assert.ok(lines.length >= 3 && lines.length <= 5, `${lines.length} lines`);
  assert.match(lines.at(-1)!, /^train 10\/10 \(100%\)/);
});

test('the rate and ETA count from the first report, so a resumed run is not credited with its earlier steps', () => {
  let t = 0;
  const s = sink(false);
  const p = createProgress({ total: 3000, label: 'train', stream: s.stream, minIntervalMs: 0, now: () => t });
  t = 5000;
  p.update(2000); // resumed at step 2000, a few seconds after start-up
  t = 15_000;
  p.update(2500); // 500 steps in 10 s
  const last = s.text().trim().split('\n').at(-1)!;
  assert.match(last, /2500\/3000 \(83%\)  50\.0\/s  eta 10s/);
});

test('on an 80-column terminal the return and win figures stay: the bar, rate and label give way first', () => {
  let t = 0;
  const s = sink(true);
  s.stream.columns = 80;
  const p = createProgress({
    total: 2_000_000,
    label: 'train qmix on lbf/8x8-2p-2f-coop',
    stream: s.stream,
    now: () => t,
  });
  t = 1000;
  p.update(1_250_000, { eps: '0.05', 'test return': '0.912', win: '88%', loss: '1.23e-2' });
  const drawn = s.text().split('\r').at(-1)!.replace('\x1b[K', '');
  assert.ok(drawn.length <= 79, `${drawn.length} columns: ${drawn}`);
  assert.match(drawn, /test return 0\.912  win 88%  loss 1\.23e-2$/);
  assert.match(drawn, /1250000\/2000000 \(62%\)/);
  s.stream.columns = 200;
  t = 2000;
  p.update(1_300_000, { eps: '0.05', 'test return': '0.912', win: '88%' });
  assert.match(
    s.text().split('\r').at(-1)!,
    /^train qmix on lbf\/8x8-2p-2f-coop \[#+-+\] /,
    'a wide terminal keeps everything',
  );
});
