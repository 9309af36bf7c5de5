/**
 * Splitting a global density budget across layers.
 *
 * - uniform: every layer keeps the same fraction.
 * - ERK (Erdős–Rényi, as RigL uses it, Evci et al. 2020): layer l keeps density_l = ε·scale_l with
 *   scale_l = Σ dims / Π dims, i.e. (n_in + n_out)/(n_in·n_out) for a matrix, so small layers (few
 *   parameters per unit) stay denser than large ones. One ε is solved from the budget:
 *     Σ_l density_l·size_l = D·Σ_l size_l  ⇒  ε = (D·Σ_l size_l − Σ_{dense} size_l) / Σ_{sparse} scale_l·size_l,
 *   where "dense" layers are those whose density would exceed 1; they are fixed at 1 and ε is
 *   re-solved for the rest until no layer exceeds 1 (RigL's `get_sparsities` loop).
 *
 * Both rules then round to whole weights so that the total kept is exactly round(D·Σ size), using
 * largest remainders (ties to the earlier layer), with every layer keeping at least one weight.
 */
import { UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';

/** A weight matrix to allocate a density to. */
export interface LayerShape {
  name: string;
  shape: number[];
}

/** A layer's allocation. */
export interface LayerAllocation {
  density: number;
  active: number;
  size: number;
}

/** Allocation rules. */
export const DISTRIBUTIONS = ['uniform', 'erk'] as const;

function erkDensities(sizes: number[], scales: number[], density: number): number[] {
  const dense = new Set<number>();
  const total = sizes.reduce((a, b) => a + b, 0);
  for (;;) {
    let denseSize = 0;
    let scaled = 0;
    sizes.forEach((size, i) => {
      if (dense.has(i)) denseSize += size;
      else scaled += (scales[i] as number) * size;
    });
    const eps = scaled > 0 ? (density * total - denseSize) / scaled : 0;
    const over = sizes.findIndex((_, i) => !dense.has(i) && eps * (scales[i] as number) > 1);
    if (over < 0) return sizes.map((_, i) => (dense.has(i) ? 1 : eps * (scales[i] as number)));
    // make every layer that exceeds 1 dense at once, then re-solve
    sizes.forEach((_, i) => {
      if (eps * (scales[i] as number) > 1) dense.add(i);
    });
  }
}

/** Round real-valued active counts to integers summing exactly to `target` (largest remainders). */
function roundToTotal(exact: number[], sizes: number[], target: number): number[] {
  const counts = exact.map((x, i) => Math.min(sizes[i] as number, Math.max(1, Math.floor(x))));
  let missing = target - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let pass = 0; missing !== 0 && pass < 2 * sizes.length + 2; pass++) {
    for (const { i } of order) {
      if (missing > 0 && (counts[i] as number) < (sizes[i] as number)) {
        counts[i] = (counts[i] as number) + 1;
        missing--;
      } else if (missing < 0 && (counts[i] as number) > 1) {
        counts[i] = (counts[i] as number) - 1;
        missing++;
      }
      if (missing === 0) break;
    }
  }
  return counts;
}

/**
 * Per-layer densities and active counts for a global `density` in (0, 1].
 * @throws RangeError for an empty layer list, bad shapes or a density outside (0, 1];
 *   UnknownNameError for an unknown distribution.
 */
export function allocateDensities(
  layers: readonly LayerShape[],
  density: number,
  distribution: string,
): Record<string, LayerAllocation> {
  if (!(DISTRIBUTIONS as readonly string[]).includes(distribution))
    throw new UnknownNameError('density distribution', distribution, DISTRIBUTIONS);
  if (!(density > 0 && density <= 1))
    throw new RangeError(`allocateDensities: density must be in (0, 1], got ${density}`);
  if (layers.length === 0) throw new RangeError('allocateDensities: no layers given');
  for (const l of layers) {
    if (l.shape.length === 0 || l.shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(
        `allocateDensities: layer '${l.name}' has shape [${l.shape}]; dimensions must be positive integers`,
      );
    }
  }
  const sizes = layers.map((l) => l.shape.reduce((a, b) => a * b, 1));
  const scales = layers.map((l) => l.shape.reduce((a, b) => a + b, 0) / l.shape.reduce((a, b) => a * b, 1));
  const densities = distribution === 'uniform' ? sizes.map(() => density) : erkDensities(sizes, scales, density);
  const target = Math.max(layers.length, Math.round(density * sizes.reduce((a, b) => a + b, 0)));
  const active = roundToTotal(
    densities.map((d, i) => d * (sizes[i] as number)),
    sizes,
    target,
  );
  const out: Record<string, LayerAllocation> = {};
  layers.forEach((l, i) => {
    out[l.name] = {
      density: (active[i] as number) / (sizes[i] as number),
      active: active[i] as number,
      size: sizes[i] as number,
    };
  });
  return out;
}
