import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, lineChart, niceTicks } from '../../src/verify/svg.js';

const wellFormed = (svg: string) => {
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox=/);
  assert.match(svg.trim(), /<\/svg>$/);
  const open = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
  const close = (svg.match(/<\/[a-z]+>/g) ?? []).length;
  assert.equal(open, close, 'every non-self-closing tag is closed');
};

test('niceTicks gives round steps covering the range', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 12000, 4), [0, 5000, 10000]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test('lineChart: one polyline per series with every point, a band, escaped names', () => {
  const svg = lineChart({
    title: 'return <test>',
    xLabel: 'steps',
    yLabel: 'return',
    series: [
      { name: 'a<b&c', points: [[0, 0], [1, 0.5], [2, 1]], band: [[0, -0.1, 0.1], [1, 0.4, 0.6], [2, 0.9, 1.1]] },
      { name: 'flat', points: [[0, 2], [2, 2]] },
    ],
  });
  wellFormed(svg);
  assert.ok(svg.includes('a&lt;b&amp;c') && svg.includes('return &lt;test&gt;'));
  const lines = svg.match(/<polyline points="([^"]+)"/g)!;
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.split(' ').length - 1, 3);
  assert.equal((svg.match(/<polygon /g) ?? []).length, 1);
});

test('lineChart with no points draws a "no data" note; NaN is rejected naming the series', () => {
  wellFormed(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [] }] }));
  assert.match(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] }), /no data/);
  assert.throws(() => lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'bad', points: [[0, Number.NaN]] }] }), /series 'bad' has a NaN/);
});

test('barChart: one rect per bar, heights proportional to values', () => {
  const svg = barChart({ title: 'density', yLabel: 'density', yMax: 1, bars: [{ label: 'agent/fc1', value: 0.5, group: 'agent' }, { label: 'mixer/w', value: 1, group: 'mixer' }] });
  wellFormed(svg);
  const heights = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 2);
  assert.ok(Math.abs(heights[1]! / heights[0]! - 2) < 0.01);
});
