// Goodness of fit for observed placement counts: the G-test (likelihood ratio) against the configured weights,
// with the chi-square survival function for its p-value.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // series for P
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  // Lentz continued fraction for Q
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, Math.exp(lnPre) * h);
}

/** P(X ≥ x) for X ~ chi-square with df degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (df <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

export interface GTestResult {
  g: number;
  df: number;
  pValue: number;
}

/**
 * G = 2 Σ O ln(O/E) over categories with E > 0. An observation in a category with expected share 0 is impossible
 * under the model: p = 0. One category (or no observations) gives p = 1.
 */
export function gTest(observed: readonly number[], expectedShares: readonly number[]): GTestResult {
  const n = observed.reduce((a, b) => a + b, 0);
  let g = 0;
  let k = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!;
    const p = expectedShares[i]!;
    if (p <= 0) {
      if (o > 0) return { g: Infinity, df: Math.max(1, observed.length - 1), pValue: 0 };
      continue;
    }
    k++;
    if (o > 0) g += 2 * o * Math.log(o / (n * p));
  }
  const df = k - 1;
  if (n === 0 || df <= 0) return { g: 0, df: Math.max(0, df), pValue: 1 };
  return { g, df, pValue: chiSquareSurvival(Math.max(0, g), df) };
}

/**
 * Significance level for distribution checks. Over fixed name sets the result is deterministic, so α = 1e-6 never
 * flakes: a failure means the placement disagrees with the weights, not bad luck.
 */
export const ALPHA = 1e-6;
