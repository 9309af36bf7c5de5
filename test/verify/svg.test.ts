import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, groupedBarChart, lineChart, niceTicks, panelGrid } from '../../src/verify/svg.js';

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
      {
        name: 'a<b&c',
        points: [
          [0, 0],
          [1, 0.5],
          [2, 1],
        ],
        band: [
          [0, -0.1, 0.1],
          [1, 0.4, 0.6],
          [2, 0.9, 1.1],
        ],
      },
      {
        name: 'flat',
        points: [
          [0, 2],
          [2, 2],
        ],
      },
    ],
  });
  wellFormed(svg);
  assert.ok(svg.includes('a&lt;b&amp;c') && svg.includes('return &lt;test&gt;'));
  const lines = svg.match(/<polyline points="([^"]+)"/g)!;
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.split(' ').length - 1, 3);
  assert.equal((svg.match(/<polygon /g) ?? []).length, 1);
});

test('lineChart: a legend too long for one row wraps, every entry inside the picture, which grows to hold it', () => {
  const names = ['dense', 'mast', 'static', 'set', 'rigl', 'rlx2', 'tiny', 'a much longer series name'];
  const series = names.map((name, i) => ({
    name,
    points: [
      [0, i],
      [1, i + 1],
    ] as Array<[number, number]>,
  }));
  const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series });
  wellFormed(svg);
  const [width, height] = svg
    .match(/viewBox="0 0 (\d+) (\d+)"/)!
    .slice(1)
    .map(Number) as [number, number];
  const entries = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="12"[^>]*>([^<]+)<\/text>/g)].map(
    (m) => ({ x: Number(m[1]), y: Number(m[2]), name: m[3]! }),
  );
  assert.deepEqual(
    entries.map((e) => e.name),
    names,
    'one legend entry per series, in order',
  );
  for (const e of entries)
    assert.ok(
      e.x + 7.2 * e.name.length <= width && e.y < height,
      `${e.name} at (${e.x}, ${e.y}) inside ${width}×${height}`,
    );
  const strokes = (chart: string) => [...chart.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]+)"/g)].map((m) => m[1]);
  const pinned = lineChart({
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      { ...series[1]!, colorIndex: 6 },
      { ...series[0]!, colorIndex: 0 },
    ],
  });
  assert.deepEqual(
    strokes(pinned),
    [strokes(svg)[6], strokes(svg)[0]],
    'a colorIndex picks the colour, whatever the position',
  );
  const rows = new Set(entries.map((e) => e.y)).size;
  assert.ok(rows >= 2, `${rows} legend rows`);
  const one = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: series.slice(0, 2) });
  assert.equal(
    Number(one.match(/viewBox="0 0 \d+ (\d+)"/)![1]),
    height - 18 * (rows - 1),
    'each extra legend row adds its height',
  );
});

test('panelGrid: one nested chart per panel, in rows of `columns`, on one y scale when given one', () => {
  const panel = (name: string, top: number) => ({
    title: name,
    xLabel: 'x',
    yLabel: 'y',
    series: [
      {
        name,
        points: [
          [0, 0],
          [1, top],
        ] as Array<[number, number]>,
      },
    ],
    yRange: [0, 20] as [number, number],
  });
  const svg = panelGrid({
    title: 'modes',
    panels: [panel('a', 5), panel('b', 10), panel('c', 20)],
    columns: 2,
    panelWidth: 300,
    panelHeight: 250,
  });
  wellFormed(svg);
  assert.match(svg, /^<svg [^>]*width="600" height="536"/, 'two columns, two rows under the title');
  const nested = [...svg.matchAll(/<svg x="(\d+)" y="(\d+)" width="300" height="250"/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  assert.deepEqual(nested, [
    [0, 36],
    [300, 36],
    [0, 286],
  ]);
  const yLabels = (chart: string) => [...chart.matchAll(/text-anchor="end"[^>]*>([^<]+)</g)].map((m) => m[1]);
  const charts = svg.split('<svg x=').slice(1);
  assert.deepEqual(yLabels(charts[0]!), ['0', '5', '10', '15', '20'], "the shared range, not the panel's own 0–5");
  assert.deepEqual(yLabels(charts[0]!), yLabels(charts[2]!));
  const ends = charts.map((c) => Number(/<polyline points="[^ ]+ [\d.]+,([\d.]+)"/.exec(c)![1]));
  assert.ok(ends[0]! > ends[1]! && ends[1]! > ends[2]!, `higher values sit higher on the common scale: ${ends}`);
});

test('tick labels: plain up to 4 digits, then k and M, exponents only at the extremes', () => {
  assert.deepEqual([0, 0.25, 5000, 10000, 250000, 2000000, 1500000, 0.0001].map(formatTick), [
    '0',
    '0.25',
    '5000',
    '10k',
    '250k',
    '2M',
    '1.5M',
    '1.0e-4',
  ]);
});

test('lineChart with no points draws a "no data" note; NaN is rejected naming the series', () => {
  wellFormed(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [] }] }));
  assert.match(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] }), /no data/);
  assert.throws(
    () => lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'bad', points: [[0, Number.NaN]] }] }),
    /series 'bad' has a NaN/,
  );
});

test('groupedBarChart: bars per group and series proportional to their values, gaps for missing values, a reference line', () => {
  const svg = groupedBarChart({
    title: 't',
    yLabel: '%',
    groups: ['3m 0.1', 'lbf 0.1'],
    series: [
      { name: 'set', values: [50, 100] },
      { name: 'mast', values: [null, 150], colorIndex: 6 },
    ],
    reference: { value: 100, label: 'dense' },
  });
  wellFormed(svg);
  const bars = [
    ...svg.matchAll(
      /<rect x="([^"]+)" y="[^"]+" width="[^"]+" height="([^"]+)" fill="([^"]+)"><title>([^<]+)<\/title>/g,
    ),
  ].map((m) => ({ x: Number(m[1]), h: Number(m[2]), title: m[4]! }));
  assert.deepEqual(
    bars.map((b) => b.title),
    ['3m 0.1, set: 50', 'lbf 0.1, set: 100', 'lbf 0.1, mast: 150'],
    'no bar for the missing value',
  );
  assert.ok(Math.abs(bars[1]!.h / bars[0]!.h - 2) < 0.01 && Math.abs(bars[2]!.h / bars[0]!.h - 3) < 0.01);
  assert.ok(bars[0]!.x < bars[1]!.x && bars[1]!.x < bars[2]!.x, 'groups left to right, series within a group');
  assert.match(svg, /stroke-dasharray/);
  assert.throws(
    () => groupedBarChart({ title: 't', yLabel: 'y', groups: ['a', 'b'], series: [{ name: 's', values: [1] }] }),
    /series 's' has 1 values for 2 groups/,
  );
});
