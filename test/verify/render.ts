/**
 * Rendering SVG pictures the way a reader's viewer does, with librsvg's `rsvg-convert` (Debian:
 * `apt-get install librsvg2-bin`), and reading the PNG back, so a test can check that nothing is cut
 * at the picture's edges. Tests skip, saying why, where `rsvg-convert` is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';

/** Why rendering tests cannot run here, or null when `rsvg-convert` is available. */
export function renderSkipReason(): string | null {
  const probe = spawnSync('rsvg-convert', ['--version'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0
    ? 'rsvg-convert is not installed (Debian package librsvg2-bin): picture rendering checks skipped'
    : null;
}

/** An RGBA image. */
export interface Image {
  width: number;
  height: number;
  /** Row-major RGBA bytes. */
  data: Uint8Array;
}

/** Render `svg` to an RGBA image at its own size. */
export function renderSvg(svg: string): Image {
  return decodePng(execFileSync('rsvg-convert', ['--format', 'png'], { input: svg, maxBuffer: 1 << 28 }));
}

/** Decode an 8-bit RGBA or RGB, non-interlaced PNG (what rsvg-convert writes). */
export function decodePng(png: Buffer): Image {
  let offset = 8;
  let [width, height, channels] = [0, 0, 4];
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs are decoded');
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`PNG colour type ${body[9]} is not decoded`);
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = Uint8Array.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (line[i - channels] as number) : 0;
      const b = prev[i] as number;
      const c = i >= channels ? (prev[i - channels] as number) : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter] as number;
      line[i] = ((line[i] as number) + predictor) & 255;
    }
    for (let x = 0; x < width; x++)
      for (let k = 0; k < 4; k++)
        out[(y * width + x) * 4 + k] = k < channels ? (line[x * channels + k] as number) : 255;
    prev = line;
  }
  return { width, height, data: out };
}

/** Whether the pixel at (x, y) is drawn on (not white): text, lines and fills. */
export function inked(img: Image, x: number, y: number): boolean {
  const i = (y * img.width + x) * 4;
  return (img.data[i] as number) < 200 || (img.data[i + 1] as number) < 200 || (img.data[i + 2] as number) < 200;
}

/** Inked pixels within `margin` pixels of the picture's edges: text or lines cut by the frame. */
export function inkAtEdges(img: Image, margin = 2): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const edge = x < margin || y < margin || x >= img.width - margin || y >= img.height - margin;
      if (edge && inked(img, x, y)) n += 1;
    }
  }
  return n;
}

/** The leftmost and rightmost inked columns in rows [y0, y1), or null when the band is blank. */
export function inkColumns(img: Image, y0: number, y1: number): [number, number] | null {
  let [lo, hi] = [Infinity, -Infinity];
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < img.width; x++) {
      if (inked(img, x, y)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    }
  }
  return lo === Infinity ? null : [lo, hi];
}
