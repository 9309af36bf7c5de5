// Two-sample tests for the fidelity harness: Welch's t-test (Student t p-value through the regularised
// incomplete beta function), the pooled two-proportion z-test, and Holm's step-down adjustment.

/** ln Γ(x), Lanczos (g = 7, 9 terms). */
function logGamma(x) {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a, b, x) {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const num of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-14) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p of Student's t with df degrees of freedom. */
export function tTwoSided(t, df) {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(|Z| > |z|) for a standard normal Z: Student's t with ν = 10⁷ degrees of freedom (the same to ~1e-7). */
export function normalTwoSided(z) {
  return tTwoSided(z, 1e7);
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

/** Welch's two-sample t-test of mean(a) − mean(b): the difference, its 95% interval, and p. */
export function welch(a, b) {
  const [ma, mb, va, vb] = [mean(a), mean(b), variance(a), variance(b)];
  const diff = ma - mb;
  const se2 = va / a.length + vb / b.length;
  if (se2 === 0) return { a: ma, b: mb, diff, half95: 0, p: diff === 0 ? 1 : 0 };
  const t = diff / Math.sqrt(se2);
  const df = se2 ** 2 / ((va / a.length) ** 2 / (a.length - 1) + (vb / b.length) ** 2 / (b.length - 1));
  return { a: ma, b: mb, diff, half95: 1.96 * Math.sqrt(se2), p: tTwoSided(t, df) };
}

/** Pooled two-proportion z-test of k1/n1 − k2/n2. */
export function twoProportions(k1, n1, k2, n2) {
  const [p1, p2] = [k1 / n1, k2 / n2];
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const half95 = 1.96 * Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  if (se === 0) return { a: p1, b: p2, diff: 0, half95, p: 1 };
  return { a: p1, b: p2, diff: p1 - p2, half95, p: normalTwoSided((p1 - p2) / se) };
}

/** Holm's step-down adjustment: adjusted p-values in the input order. */
export function holm(ps) {
  const order = ps.map((p, i) => [p, i]).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
