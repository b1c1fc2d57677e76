/**
 * Special functions behind the p-values of the drift and comparison tests: ln Γ, the regularised
 * incomplete gamma functions P(a, x) and Q(a, x) (hence the χ² and normal tail probabilities), and
 * erfc. Written by hand (no maintained TypeScript library offers them at double precision) and
 * checked against `scipy.special` in src/metrics/drift.test.ts (Q to ~1e-12 relative).
 *
 * Method: Numerical Recipes (Press et al., 3rd ed., §6.1–6.2) — the power series of P for
 * x < a + 1 and the Legendre continued fraction of Q (modified Lentz) otherwise — with one change
 * for accuracy at large a: the common prefactor xᵃe⁻ˣ/Γ(a) is evaluated as
 * exp(a·(ln(1+d) − d) + ½·ln(a/2π) − S(a)), d = (x − a)/a, S = Stirling's correction series, so no
 * large terms cancel when x ≈ a (the idea of Temme's uniform expansion; DiDonato & Morris 1986).
 */

const LN_SQRT_2PI = 0.9189385332046727417803297; // ½·ln(2π)
/** Below this, ln Γ is shifted up by the recurrence Γ(z + 1) = z·Γ(z) before Stirling's series. */
const STIRLING_MIN = 10;
/** Relative convergence threshold of the series and continued fractions. */
const EPS = 1e-17;
const TINY = 1e-300;
const MAX_ITER = 1_000_000;

/**
 * S(z) = lnΓ(z) − [(z − ½)·ln z − z + ½·ln 2π] by Stirling's series Σⱼ B₂ⱼ / (2j(2j − 1)·z²ʲ⁻¹),
 * j = 1..8 (Abramowitz & Stegun 6.1.41). For z ≥ 10 the first omitted term is below 1e-18.
 */
export function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  // Coefficients B₂ⱼ/(2j(2j−1)): 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360, 1/156, −3617/122400.
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}

/**
 * Natural logarithm of the gamma function for z > 0 (absolute error ~1e-15·|lnΓ(z)|).
 *
 * @example
 * ```ts
 * lnGamma(5); // ln 24 ≈ 3.1780538303479458
 * ```
 */
export function lnGamma(z: number): number {
  if (!(z > 0)) return NaN;
  if (z === Infinity) return Infinity;
  let shift = 0;
  if (z < STIRLING_MIN) {
    // lnΓ(z) = lnΓ(z + m) − ln(z·(z+1)…(z+m−1)); the product stays far from overflow.
    let prod = 1;
    while (z < STIRLING_MIN) {
      prod *= z;
      z += 1;
    }
    shift = Math.log(prod);
  }
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingCorrection(z) - shift;
}

/**
 * ln(1 + d) − d without cancellation. For |d| < ½ it sums −Σₖ≥₂ cₖ·uᵏ with u = d/(2 + d),
 * cₖ = 2 for even k and 2(k − 1)/k for odd k (from ln(1+d) = 2·artanh u and d = 2u/(1 − u)):
 * for d > 0 all terms share one sign, for d < 0 they alternate with |u| ≤ ⅓.
 */
export function log1pmx(d: number): number {
  if (!(Math.abs(d) < 0.5)) return Math.log1p(d) - d;
  const u = d / (2 + d);
  let uk = u * u;
  let sum = -2 * uk;
  for (let k = 3; k < 200; k++) {
    uk *= u;
    const term = (k & 1 ? (2 * (k - 1)) / k : 2) * uk;
    sum -= term;
    if (Math.abs(term) <= EPS * Math.abs(sum)) break;
  }
  return sum;
}

/** xᵃ·e⁻ˣ / Γ(a), the common factor of P and Q (see the file comment for the large-a form). */
function gammaPrefactor(a: number, x: number): number {
  if (a < STIRLING_MIN) return Math.exp(a * Math.log(x) - x - lnGamma(a));
  const d = (x - a) / a;
  // a·(ln(1+d) − d) = a·ln(x/a) + a − x; far from x = a the direct form keeps x/a exact to one rounding.
  const core = Math.abs(d) < 0.5 ? a * log1pmx(d) : a * Math.log(x / a) + (a - x);
  return Math.exp(core + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a));
}

/** P(a, x) by its power series, valid (and fast) for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS) break;
  }
  return (gammaPrefactor(a, x) / a) * sum;
}

/** Q(a, x) by the Legendre continued fraction (modified Lentz, NR §5.2 / §6.2), for x ≥ a + 1. */
function gammaQFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return gammaPrefactor(a, x) * h;
}

/**
 * Regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) (`scipy.special.gammainc`).
 * NaN unless a > 0 and x ≥ 0.
 *
 * @example
 * ```ts
 * gammaP(1, 2); // 1 − e⁻² ≈ 0.8646647167633873
 * ```
 */
export function gammaP(a: number, x: number): number {
  if (!(a > 0 && x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQFraction(a, x);
}

/**
 * Regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x)
 * (`scipy.special.gammaincc`), accurate to ~1e-13 relative also deep in the upper tail.
 * NaN unless a > 0 and x ≥ 0.
 *
 * @example
 * ```ts
 * gammaQ(1, 2); // e⁻² ≈ 0.1353352832366127
 * ```
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0 && x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

/**
 * Upper tail of the χ² distribution with `dof` degrees of freedom: Q(dof/2, x/2)
 * (`scipy.stats.chi2.sf`).
 *
 * @example
 * ```ts
 * chiSquareSf(3.841458820694124, 1); // 0.05
 * ```
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || x !== x) return NaN;
  if (x <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
}

/**
 * Complementary error function, erfc(x) = Q(½, x²) for x ≥ 0 and 2 − erfc(−x) otherwise; relative
 * accuracy ~1e-13 in the upper tail (where 1 − erf(x) would lose everything).
 *
 * @example
 * ```ts
 * erfc(1); // 0.15729920705028513
 * ```
 */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x >= 0) return gammaQ(0.5, x * x);
  return 1 + gammaP(0.5, x * x);
}

/**
 * Upper tail of the standard normal distribution, P(Z ≥ z) = erfc(z/√2)/2 (`scipy.stats.norm.sf`).
 *
 * @example
 * ```ts
 * normalSf(1.959963984540054); // 0.025
 * ```
 */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
