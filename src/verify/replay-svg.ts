/**
 * Pictures of a recorded episode: an SVG of small multiples (a handful of steps side by side, so the
 * whole episode reads at a glance) and a self-contained HTML page that plays every step with a
 * slider. Grid worlds draw players as numbered circles with their level and food as squares with
 * theirs; particle worlds draw agents as discs (their radius to scale) with trails, landmarks as crosses;
 * battlefields draw walkable ground, units to scale (allies blue, enemies red) with health (green) and
 * shield (cyan) bars, zoomed to the part of the arena where the episode's units are.
 */
import type { EnvFrame, GridFrame, ParticleFrame, UnitsFrame } from '../envs/types.js';
import { escapeXml } from './svg.js';
import type { EpisodeReplay } from './replay.js';

const AGENT_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const color = (i: number): string => AGENT_COLORS[i % AGENT_COLORS.length] as string;

/** SVG body of a grid frame drawn in a `px`-wide square at (x0, y0). */
function gridBody(f: GridFrame, x0: number, y0: number, px: number): string {
  const cell = px / f.size;
  const parts = [`<rect x="${x0}" y="${y0}" width="${px}" height="${px}" fill="#fafafa" stroke="#999"/>`];
  for (let k = 1; k < f.size; k++) {
    parts.push(`<line x1="${x0 + k * cell}" y1="${y0}" x2="${x0 + k * cell}" y2="${y0 + px}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${x0}" y1="${y0 + k * cell}" x2="${x0 + px}" y2="${y0 + k * cell}" stroke="#e5e5e5"/>`);
  }
  const label = (cx: number, cy: number, text: string, fill: string): string =>
    `<text x="${cx.toFixed(1)}" y="${(cy + cell * 0.18).toFixed(1)}" text-anchor="middle" font-size="${(cell * 0.5).toFixed(1)}" fill="${fill}" ${FONT}>${text}</text>`;
  for (const food of f.food) {
    const [x, y] = [x0 + food.col * cell, y0 + food.row * cell];
    parts.push(
      `<rect x="${(x + cell * 0.15).toFixed(1)}" y="${(y + cell * 0.15).toFixed(1)}" width="${(cell * 0.7).toFixed(1)}" height="${(cell * 0.7).toFixed(1)}" fill="#8fbc5a"/>`,
    );
    parts.push(label(x + cell / 2, y + cell / 2, String(food.level), '#1d3a0a'));
  }
  f.players.forEach((p, i) => {
    const [cx, cy] = [x0 + (p.col + 0.5) * cell, y0 + (p.row + 0.5) * cell];
    parts.push(
      `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${(cell * 0.4).toFixed(1)}" fill="${color(i)}"/>`,
    );
    parts.push(label(cx, cy, String(p.level), 'white'));
  });
  return parts.join('\n');
}

/** SVG body of a particle frame in [−lim, lim]², with trails through `history`. */
function particleBody(
  f: ParticleFrame,
  history: readonly ParticleFrame[],
  x0: number,
  y0: number,
  px: number,
  lim: number,
): string {
  const sx = (x: number): number => x0 + ((x + lim) / (2 * lim)) * px;
  const sy = (y: number): number => y0 + px - ((y + lim) / (2 * lim)) * px;
  const parts = [`<rect x="${x0}" y="${y0}" width="${px}" height="${px}" fill="#fafafa" stroke="#999"/>`];
  for (const [x, y] of f.landmarks) {
    const [cx, cy, r] = [sx(x), sy(y), px * 0.02];
    parts.push(
      `<path d="M${(cx - r).toFixed(1)} ${(cy - r).toFixed(1)}L${(cx + r).toFixed(1)} ${(cy + r).toFixed(1)}M${(cx - r).toFixed(1)} ${(cy + r).toFixed(1)}L${(cx + r).toFixed(1)} ${(cy - r).toFixed(1)}" stroke="#333" stroke-width="2"/>`,
    );
  }
  f.agents.forEach(([x, y], i) => {
    const trail = [...history.map((h) => h.agents[i] as [number, number]), [x, y]];
    if (trail.length > 1)
      parts.push(
        `<polyline points="${trail.map(([tx, ty]) => `${sx(tx).toFixed(1)},${sy(ty).toFixed(1)}`).join(' ')}" fill="none" stroke="${color(i)}" stroke-opacity="0.4"/>`,
      );
    parts.push(
      `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="${((f.agentRadius / (2 * lim)) * px).toFixed(1)}" fill="${color(i)}" fill-opacity="0.8"/>`,
    );
  });
  return parts.join('\n');
}

/** The part of the arena a battlefield replay shows: a square around every unit of the episode. */
interface UnitsView {
  /** Lower-left corner and side, in arena units. */
  x: number;
  y: number;
  side: number;
}

/**
 * A square view holding every unit of the episode with a margin of 3 arena units (about a marine's
 * attack range), at least 12 units across, inside the arena: units fight in a small part of a
 * 32-unit map, which drawn whole leaves them as dots.
 */
function unitsView(frames: readonly EnvFrame[]): UnitsView | null {
  const units = frames.flatMap((f) => (f.kind === 'units' ? f.units : []));
  const size = frames.find((f): f is UnitsFrame => f.kind === 'units')?.size;
  if (size === undefined || units.length === 0) return null;
  const [x0, x1] = [Math.min(...units.map((u) => u.x - u.radius)), Math.max(...units.map((u) => u.x + u.radius))];
  const [y0, y1] = [Math.min(...units.map((u) => u.y - u.radius)), Math.max(...units.map((u) => u.y + u.radius))];
  const side = Math.min(size, Math.max(12, x1 - x0 + 6, y1 - y0 + 6));
  const place = (lo: number, hi: number): number => Math.min(size - side, Math.max(0, (lo + hi) / 2 - side / 2));
  return { x: place(x0, x1), y: place(y0, y1), side };
}

/** SVG body of a battlefield frame in a `px` square at (x0, y0), showing `view`; y grows upwards as in the game. */
function unitsBody(
  f: UnitsFrame,
  x0: number,
  y0: number,
  px: number,
  view: UnitsView = { x: 0, y: 0, side: f.size },
): string {
  const k = px / view.side;
  const sx = (x: number): number => x0 + (x - view.x) * k;
  const sy = (y: number): number => y0 + px - (y - view.y) * k;
  // the terrain is drawn whole and clipped to the panel by a nested svg
  const parts = [
    `<svg x="${x0}" y="${y0}" width="${px}" height="${px}" viewBox="${x0} ${y0} ${px} ${px}">`,
    `<rect x="${x0}" y="${y0}" width="${px}" height="${px}" fill="#555"/>`,
  ];
  for (const row of f.terrain) {
    for (const [a, b] of row.x)
      parts.push(
        `<rect x="${sx(a).toFixed(1)}" y="${sy(row.y1).toFixed(1)}" width="${((b - a) * k).toFixed(1)}" height="${((row.y1 - row.y0) * k).toFixed(1)}" fill="#e9efe3"/>`,
      );
  }
  parts.push('</svg>');
  if (view.side < f.size) {
    parts.push(
      `<text x="${x0 + 4}" y="${y0 + 12}" font-size="10" fill="#333" ${FONT}>${escapeXml(`${Number(view.side.toFixed(1))} of ${f.size} units across`)}</text>`,
    );
  }
  for (const u of f.units) {
    const [cx, cy, r] = [sx(u.x), sy(u.y), Math.max(u.radius * k, 1.5)];
    parts.push(
      `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${u.faction === 'ally' ? '#1f77b4' : '#d62728'}" fill-opacity="0.85"><title>${escapeXml(u.type)}</title></circle>`,
    );
    const bar = (frac: number, dy: number, fill: string): string =>
      `<rect x="${(cx - r).toFixed(1)}" y="${(cy - r - dy).toFixed(1)}" width="${(2 * r * Math.max(0, frac)).toFixed(1)}" height="1.5" fill="${fill}"/>`;
    parts.push(bar(u.hp / u.maxHp, 3, '#2ca02c'));
    if (u.maxShield > 0) parts.push(bar(u.shield / u.maxShield, 5, '#17becf'));
  }
  return parts.join('\n');
}

/** Half-width of the square that holds every particle of the episode (at least 1). */
function particleExtent(frames: readonly EnvFrame[]): number {
  let lim = 1;
  for (const f of frames)
    if (f.kind === 'particles')
      for (const [x, y] of [...f.agents, ...f.landmarks]) lim = Math.max(lim, Math.abs(x) + 0.2, Math.abs(y) + 0.2);
  return lim;
}

/** One frame of the episode, drawn in a `px` square at (x0, y0). */
function frameBody(replay: EpisodeReplay, t: number, x0: number, y0: number, px: number): string {
  const f = replay.frames[t] as EnvFrame;
  if (f.kind === 'grid') return gridBody(f, x0, y0, px);
  if (f.kind === 'units') return unitsBody(f, x0, y0, px, unitsView(replay.frames) ?? undefined);
  const history = replay.frames.slice(0, t).filter((h): h is ParticleFrame => h.kind === 'particles');
  return particleBody(f, history, x0, y0, px, particleExtent(replay.frames));
}

function caption(replay: EpisodeReplay, t: number): string {
  const soFar = replay.rewards.slice(0, t).reduce((a, r) => a + r, 0);
  return `t = ${t}   return so far ${Number(soFar.toFixed(3))}`;
}

/** Small multiples of up to `panels` evenly spaced steps (first and last included). */
export function replaySvg(replay: EpisodeReplay, title: string, panels = 8): string {
  const last = replay.frames.length - 1;
  const count = Math.min(panels, replay.frames.length);
  const steps = [...new Set(Array.from({ length: count }, (_, k) => Math.round((k * last) / Math.max(1, count - 1))))];
  const [px, gap, cols] = [200, 24, Math.min(4, steps.length)];
  const rows = Math.ceil(steps.length / cols);
  const width = cols * px + (cols + 1) * gap;
  const height = 56 + rows * (px + 40);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" ${FONT}>${escapeXml(title)}</text>`,
  ];
  steps.forEach((t, k) => {
    const x0 = gap + (k % cols) * (px + gap);
    const y0 = 48 + Math.floor(k / cols) * (px + 40);
    parts.push(frameBody(replay, t, x0, y0, px));
    parts.push(
      `<text x="${x0 + px / 2}" y="${y0 + px + 18}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(caption(replay, t))}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** A self-contained HTML page that plays the episode step by step (play/pause and a slider). */
export function replayHtml(replay: EpisodeReplay, title: string): string {
  const px = 480;
  const frames = replay.frames.map(
    (_, t) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${px} ${px}">${frameBody(replay, t, 0, 0, px)}</svg>`,
  );
  const captions = replay.frames.map((_, t) => caption(replay, t));
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px}#stage{width:${px}px;height:${px}px}</style></head>
<body><h3>${escapeXml(title)}</h3>
<div id="stage"></div>
<p><button id="play">play</button> <input id="t" type="range" min="0" max="${frames.length - 1}" value="0" style="width:${px - 80}px"> <span id="cap"></span></p>
<script>
const frames = ${JSON.stringify(frames)};
const captions = ${JSON.stringify(captions)};
const stage = document.getElementById('stage'), slider = document.getElementById('t'), cap = document.getElementById('cap'), play = document.getElementById('play');
let timer = null;
function show(t) { stage.innerHTML = frames[t]; slider.value = t; cap.textContent = captions[t]; }
slider.oninput = () => show(Number(slider.value));
play.onclick = () => {
  if (timer) { clearInterval(timer); timer = null; play.textContent = 'play'; return; }
  play.textContent = 'pause';
  timer = setInterval(() => { const t = (Number(slider.value) + 1) % frames.length; show(t); }, 250);
};
show(0);
</script></body></html>
`;
}
