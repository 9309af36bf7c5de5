/**
 * Standalone SVG charts, as plain strings (no dependencies): learning curves, small multiples of them,
 * and bars.
 * Axis ticks are round numbers (1, 2, 5 × 10^k), text is XML-escaped.
 */

/** One line of a line chart, with an optional shaded band (x, low, high), e.g. mean ± std. */
export interface Series {
  name: string;
  points: Array<[number, number]>;
  band?: Array<[number, number, number]>;
  /** Its colour's index in the palette (default: its position), so one name keeps one colour across charts. */
  colorIndex?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Escape text for XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A tick label: 4 significant digits; large values with k / M (environment steps read 250k, 2M). */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e10 || (a < 1e-3 && v !== 0)) return v.toExponential(1);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(4))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(4))}k`;
  return String(Number(v.toPrecision(4)));
}

/** Where each legend entry goes: left to right, wrapping to a new row when the next would pass `right`. */
function legendLayout(
  names: readonly string[],
  left: number,
  right: number,
): { at: Array<{ x: number; row: number }>; rows: number } {
  const at: Array<{ x: number; row: number }> = [];
  let [x, row] = [left, 0];
  for (const name of names) {
    const w = LEGEND_SWATCH + name.length * LEGEND_CHAR + LEGEND_GAP; // text width estimated per character
    if (x > left && x + w - LEGEND_GAP > right) [x, row] = [left, row + 1];
    at.push({ x, row });
    x += w;
  }
  return { at, rows: names.length === 0 ? 0 : row + 1 };
}
const LEGEND_SWATCH = 26; // line sample and the space after it
const LEGEND_CHAR = 7.2; // about a 12 px Helvetica character
const LEGEND_GAP = 24;
const LEGEND_ROW = 18;
const LABEL_CHAR = 6.6; // about an 11 px Helvetica character

/** Where a chart sits inside another (a panel of {@link panelGrid}), in the outer picture's pixels. */
interface Placement {
  x: number;
  y: number;
}

const TITLE_CHAR = 8.2; // about a 15 px Helvetica character

/** The width a picture needs for its title on one line (estimated per character), with a margin each side. */
export function titleWidth(title: string): number {
  return Math.ceil(title.length * TITLE_CHAR + 40);
}

/** A picture: white background, a title, `body`; nested at `at` inside another picture when given. */
function frame(width: number, height: number, title: string, body: string, at?: Placement): string {
  const where = at ? `x="${at.x}" y="${at.y}"` : 'xmlns="http://www.w3.org/2000/svg"';
  return [
    `<svg ${where} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" ${FONT}>${escapeXml(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

/** A light horizontal line and a label at each y tick. */
function yGrid(ticks: readonly number[], py: (y: number) => number, m: Margins, width: number): string[] {
  return ticks.flatMap((t) => [
    `<line x1="${m.left}" y1="${py(t).toFixed(1)}" x2="${width - m.right}" y2="${py(t).toFixed(1)}" stroke="#eee"/>`,
    `<text x="${m.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" font-size="11" ${FONT}>${formatTick(t)}</text>`,
  ]);
}

/** The y axis's title, rotated, centred on the plot. */
function yAxisLabel(text: string, m: Margins, height: number): string {
  return `<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(text)}</text>`;
}

/** A chart's margins around its plot area, in pixels. */
interface Margins {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function checkFinite(name: string, values: number[]): void {
  if (values.some((v) => !Number.isFinite(v)))
    throw new RangeError(`chart: series '${name}' has a NaN or infinite value`);
}

/** What a line chart shows. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** A y range the axis covers at least, whatever the data (panels that share one scale). */
  yRange?: [number, number];
}

/** A line chart of one or more series (e.g. test return against environment steps). */
export function lineChart(o: LineChartOptions): string {
  return drawLineChart(o);
}

/**
 * Small multiples: line charts side by side, `columns` to a row, each `panelWidth` × `panelHeight`,
 * under one title. Give the panels one `yRange` so their heights compare.
 */
export function panelGrid(o: {
  title: string;
  panels: LineChartOptions[];
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
}): string {
  const columns = Math.max(1, Math.min(o.columns ?? 3, o.panels.length));
  const [w, h] = [o.panelWidth ?? 360, o.panelHeight ?? 300];
  const top = 36;
  const rows = Math.ceil(o.panels.length / columns);
  // a single panel is narrower than most titles: the picture widens to its title, panels centred
  const width = Math.max(columns * w, titleWidth(o.title));
  const left = Math.floor((width - columns * w) / 2);
  // a panel whose legend wraps grows by a row; its grid row grows with it
  const grows = o.panels.map(
    (p) =>
      LEGEND_ROW *
      Math.max(
        0,
        legendLayout(
          p.series.map((s) => s.name),
          70,
          w - 20,
        ).rows - 1,
      ),
  );
  const rowGrow = Array.from({ length: rows }, (_, r) => Math.max(...grows.slice(r * columns, (r + 1) * columns)));
  const rowTop = Array.from(
    { length: rows + 1 },
    (_, r) => top + r * h + rowGrow.slice(0, r).reduce((a, g) => a + g, 0),
  );
  const body = o.panels.map((p, i) =>
    drawLineChart(
      { ...p, width: w, height: h },
      { x: left + (i % columns) * w, y: rowTop[Math.floor(i / columns)] as number },
    ),
  );
  return frame(width, rowTop[rows] as number, o.title, body.join('\n'));
}

function drawLineChart(o: LineChartOptions, at?: Placement): string {
  const width = at ? (o.width ?? 720) : Math.max(o.width ?? 720, titleWidth(o.title)); // a panel keeps its slot
  const m = { left: 70, right: 20, top: 40, bottom: 80 };
  const legend = legendLayout(
    o.series.map((s) => s.name),
    m.left,
    width - m.right,
  );
  m.bottom += LEGEND_ROW * Math.max(0, legend.rows - 1); // the plot keeps its height, the picture grows
  const height = (o.height ?? 420) + LEGEND_ROW * Math.max(0, legend.rows - 1);
  for (const s of o.series) checkFinite(s.name, [...s.points.flat(), ...(s.band ?? []).flat()]);
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.band ?? []).flatMap((b) => [b[1], b[2]])]);
  if (o.yRange && xs.length > 0) ys.push(...o.yRange);
  const axes = (x0: number, x1: number, y0: number, y1: number) => ({
    x0,
    x1: x1 === x0 ? x0 + 1 : x1,
    y0,
    y1: y1 === y0 ? y0 + 1 : y1,
  });
  if (xs.length === 0) {
    return frame(
      width,
      height,
      o.title,
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="13" ${FONT}>no data</text>`,
      at,
    );
  }
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys));
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs));
  const a = axes(
    Math.min(...xs, ...xTicks),
    Math.max(...xs, ...xTicks),
    Math.min(...ys, ...yTicks),
    Math.max(...ys, ...yTicks),
  );
  const px = (x: number) => m.left + ((x - a.x0) / (a.x1 - a.x0)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - a.y0) / (a.y1 - a.y0)) * (height - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
  );
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`);
  for (const t of xTicks)
    parts.push(
      `<text x="${px(t).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11" ${FONT}>${formatTick(t)}</text>`,
    );
  parts.push(...yGrid(yTicks, py, m, width));
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - m.bottom + 36}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(o.xLabel)}</text>`,
  );
  parts.push(yAxisLabel(o.yLabel, m, height));
  o.series.forEach((s, i) => {
    const color = COLORS[(s.colorIndex ?? i) % COLORS.length] as string;
    if (s.band && s.band.length > 0) {
      const upper = s.band.map((b) => `${px(b[0]).toFixed(1)},${py(b[2]).toFixed(1)}`);
      const lower = [...s.band].reverse().map((b) => `${px(b[0]).toFixed(1)},${py(b[1]).toFixed(1)}`);
      parts.push(
        `<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`,
      );
    }
    if (s.points.length > 0) {
      parts.push(
        `<polyline points="${s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
      if (s.points.length === 1)
        parts.push(
          `<circle cx="${px(s.points[0]![0]).toFixed(1)}" cy="${py(s.points[0]![1]).toFixed(1)}" r="3" fill="${color}"/>`,
        );
    }
    const { x: lx, row } = legend.at[i]!;
    const ly = height - m.bottom + 58 + row * LEGEND_ROW;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly + 4}" font-size="12" ${FONT}>${escapeXml(s.name)}</text>`);
  });
  return frame(width, height, o.title, parts.join('\n'), at);
}

/**
 * A grouped bar chart: one group of bars per category, one bar per series in each (a series' missing
 * value leaves a gap), a legend, and an optional dashed reference line (e.g. dense at 100%).
 */
export function groupedBarChart(o: {
  title: string;
  yLabel: string;
  groups: string[];
  series: Array<{ name: string; values: Array<number | null>; colorIndex?: number }>;
  reference?: { value: number; label: string };
  width?: number;
  height?: number;
}): string {
  for (const s of o.series) {
    if (s.values.length !== o.groups.length)
      throw new RangeError(`chart: series '${s.name}' has ${s.values.length} values for ${o.groups.length} groups`);
    checkFinite(
      s.name,
      s.values.filter((v): v is number => v !== null),
    );
  }
  const n = Math.max(1, o.series.length);
  // group labels slant down to the right from their group's centre: the last one needs room on the right
  const lastLabel = LABEL_CHAR * (o.groups.at(-1)?.length ?? 0) * Math.cos(Math.PI / 6);
  const width = o.width ?? Math.max(720, 90 + o.groups.length * (n * 10 + 18) + lastLabel, titleWidth(o.title));
  const m = { left: 70, right: 20, top: 40, bottom: 120 };
  m.right = Math.max(m.right, lastLabel - (width - m.left - m.right) / Math.max(1, o.groups.length) / 2 + 10);
  const legend = legendLayout(
    o.series.map((s) => s.name),
    m.left,
    width - m.right,
  );
  m.bottom += LEGEND_ROW * legend.rows;
  const height = (o.height ?? 420) + LEGEND_ROW * legend.rows;
  const values = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, o.reference?.value ?? 0, ...values) || 1);
  const [y0, y1] = [Math.min(0, ...ticks), Math.max(...ticks)];
  const py = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
  const slot = (width - m.left - m.right) / Math.max(1, o.groups.length);
  const bar = (slot * 0.8) / n;
  const parts: string[] = [];
  parts.push(...yGrid(ticks, py, m, width), yAxisLabel(o.yLabel, m, height));
  o.series.forEach((s, k) => {
    const color = COLORS[(s.colorIndex ?? k) % COLORS.length] as string;
    s.values.forEach((v, g) => {
      if (v === null) return;
      const x = m.left + g * slot + slot * 0.1 + k * bar;
      const [top, bottom] = [py(Math.max(v, 0)), py(Math.min(v, 0))];
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bar * 0.9).toFixed(1)}" height="${(bottom - top).toFixed(1)}" fill="${color}"><title>${escapeXml(`${o.groups[g]}, ${s.name}: ${formatTick(v)}`)}</title></rect>`,
      );
    });
    const { x: lx, row } = legend.at[k]!;
    const ly = height - LEGEND_ROW * (legend.rows - row) + 4;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="18" height="10" fill="${color}"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly + 1}" font-size="12" ${FONT}>${escapeXml(s.name)}</text>`);
  });
  parts.push(
    `<line x1="${m.left}" y1="${py(0).toFixed(1)}" x2="${width - m.right}" y2="${py(0).toFixed(1)}" stroke="black"/>`,
  );
  if (o.reference) {
    const y = py(o.reference.value).toFixed(1);
    parts.push(
      `<line x1="${m.left}" y1="${y}" x2="${width - m.right}" y2="${y}" stroke="black" stroke-dasharray="6 4"/>`,
    );
    parts.push(
      `<text x="${width - m.right - 4}" y="${(Number(y) - 4).toFixed(1)}" text-anchor="end" font-size="11" ${FONT}>${escapeXml(o.reference.label)}</text>`,
    );
  }
  o.groups.forEach((label, g) => {
    const cx = m.left + (g + 0.5) * slot;
    parts.push(
      `<text transform="translate(${cx.toFixed(1)} ${height - m.bottom + 14}) rotate(30)" font-size="11" ${FONT}>${escapeXml(label)}</text>`,
    );
  });
  return frame(width, height, o.title, parts.join('\n'));
}
