/**
 * Distributions of Kolmogorov–Smirnov statistics, as scipy 1.10 computes them (checked against
 * scipy in src/metrics/drift.test.ts):
 *
 * - {@link kolmogorovSf}: the limiting distribution of √n·Dₙ (`scipy.stats.kstwobign.sf`,
 *   `scipy.special.kolmogorov`), by its two theta-function series (Kolmogorov 1933; the small-x
 *   form by the Jacobi transformation).
 * - {@link kolmogorovNSf}: the exact two-sided one-sample distribution of Dₙ for finite n
 *   (`scipy.stats.kstwo.sf`), choosing between Durbin's matrix (Durbin 1968, in the form of
 *   Marsaglia, Tsang & Wang 2003), Pomeranz's recursion (1974), the Pelz–Good expansion (1976),
 *   2 × the one-sided Smirnov tail and the Ruben–Gambino closed forms with the rules of Simard &
 *   L'Ecuyer (2011, "Computing the Two-Sided Kolmogorov–Smirnov Distribution", J. Stat. Softw. 39(11)),
 *   the cut-offs scipy uses.
 * - {@link smirnovSf}: the exact one-sided tail P(Dₙ⁺ ≥ x) (Birnbaum & Tingey 1951).
 * - {@link ks2ExactSf}: the exact null distribution of the two-sample statistic by lattice-path
 *   counting (Hodges 1958; the numerically stable 1 − p recursion of Viehmann 2021, arXiv:2102.08037).
 */
import { lnGamma, stirlingCorrection } from './special.js';

const TWO_PI_SQRT = Math.sqrt(2 * Math.PI);
const LN_2PI = Math.log(2 * Math.PI);
/** Smallest argument whose exp() is a normal double (cephes MINLOG). */
const MIN_LOG = -708.3964185322641;
const P128 = 2 ** 128;
const M128 = 2 ** -128;

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** x·2ᵉ without intermediate overflow or underflow (C's ldexp for large |e|). */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/**
 * Upper tail of Kolmogorov's limiting distribution, P(K ≥ x) where K = lim √n·Dₙ
 * (`scipy.stats.kstwobign.sf`). For x > 0.82: 2·Σₖ≥₁ (−1)ᵏ⁻¹·e^(−2k²x²); below it the complement of
 * (√(2π)/x)·Σₖ≥₁ e^(−(2k−1)²π²/(8x²)), which converges fast there (cut-over as in scipy's cephes).
 *
 * @example
 * ```ts
 * kolmogorovSf(1.3580986393225507); // 0.05
 * ```
 */
export function kolmogorovSf(x: number): number {
  if (x !== x) return NaN;
  if (x <= 0) return 1;
  if (x <= 0.82) {
    const alpha = (-Math.PI * Math.PI) / (8 * x * x);
    let sum = 0;
    for (let k = 1; k < 100; k += 2) {
      const t = Math.exp(alpha * k * k);
      sum += t;
      if (t <= 1e-17 * sum) break;
    }
    return clip01(1 - (TWO_PI_SQRT / x) * sum);
  }
  const alpha = -2 * x * x;
  let sum = 0;
  let sign = 1;
  for (let k = 1; k < 100; k++) {
    const t = Math.exp(alpha * k * k);
    sum += sign * t;
    if (t <= 1e-17 * Math.abs(sum)) break;
    sign = -sign;
  }
  return clip01(2 * sum);
}

/**
 * ⌊n·x⌋ and the fractional part of n·x computed exactly (Dekker's two-product), so x = k/n lands
 * on k and not on k − 1 after rounding.
 */
function floorProduct(n: number, x: number): { fl: number; alpha: number } {
  const p = n * x;
  const split = (a: number): [number, number] => {
    const c = 134217729 * a; // 2^27 + 1
    const hi = c - (c - a);
    return [hi, a - hi];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const err = nh * xh - p + nh * xl + nl * xh + nl * xl;
  let fl = Math.floor(p);
  if (p === fl && err < 0) fl -= 1;
  let alpha = p - fl + err;
  if (alpha >= 1) {
    fl += 1;
    alpha = 0;
  }
  return { fl, alpha: alpha < 0 ? 0 : alpha };
}

/**
 * One-sided Smirnov tail P(Dₙ⁺ ≥ x) by the Birnbaum–Tingey sum
 * x·Σ_{v=0}^{⌊n(1−x)⌋} C(n, v)·(x + v/n)^(v−1)·(1 − x − v/n)^(n−v), each term in logs so nothing
 * over- or underflows, with the closed forms of scipy's `smirnov` at the ends (x ≤ 1/n,
 * x ≥ 1 − 1/n) and its approximation e^(−(6nx+1)²/(18n)) beyond n = 10⁶. The terms are all positive,
 * so the tail itself is accurate (the cdf near 0 is not needed by {@link kolmogorovNSf}).
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n >= 1 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { fl, alpha } = floorProduct(n, x);
  if (fl === 0 || (fl === 1 && alpha === 0)) return clip01(1 - x * Math.pow(1 + x, n - 1));
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (fl >= n - 1) return Math.pow(1 - x, n);
  if (n > 1_000_000) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }
  // Terms v = 0 … ⌊n(1 − x)⌋; when n·x is an integer the last of them (1 − x − v/n = 0) is zero
  // and dropped, so the last term is n − ⌊nx⌋ − 1 either way.
  const last = n - fl - 1;
  const lnFactN = lnGamma(n + 1);
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const t1 = v / n + x;
    const t2 = (n - v) / n - x;
    const lnTerm = lnFactN - lnGamma(v + 1) - lnGamma(n - v + 1) + (v - 1) * Math.log(t1) + (n - v) * Math.log(t2);
    const term = Math.exp(lnTerm);
    sum += term;
    // Past the peak the terms fall fast; stop once the rest cannot change the sum (as scipy does).
    if (v > 0 && v < last && 4 * (last + 1 - v) * term < Number.EPSILON * sum) break;
  }
  return clip01(x * sum);
}

/**
 * Exact two-sided one-sample Kolmogorov–Smirnov tail P(Dₙ ≥ x) for a sample of n from a continuous
 * distribution (`scipy.stats.kstwo.sf(x, n)`), with the algorithm choice of Simard & L'Ecuyer (2011)
 * as implemented by scipy 1.10.
 *
 * @example
 * ```ts
 * kolmogorovNSf(20, 0.29408); // ≈ 0.05
 * ```
 */
export function kolmogorovNSf(n: number, x: number): number {
  if (!(Number.isInteger(n) && n >= 1) || x !== x) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben & Gambino (1982): P(Dₙ ≤ x) = n!/nⁿ·(2t − 1)ⁿ for 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n)); // Ruben & Gambino, upper end
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x)); // D⁺ ≥ x and D⁻ ≥ x cannot both hold
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip01(1 - durbinCdf(n, x));
    if (nxx <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxx >= 18) cdf = 1;
  else if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) cdf = durbinCdf(n, x);
  else cdf = pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

/** ln(n!/nⁿ) = ½·ln n − n + ½·ln 2π + S(n) (Stirling, with nothing large cancelling). */
function logFactorialOverPower(n: number): number {
  return Math.log(n) / 2 - n + LN_2PI / 2 + stirlingCorrection(n);
}

/**
 * P(Dₙ ≤ d) by Durbin's matrix: write n·d = k − h (0 ≤ h < 1), build the (2k−1)² matrix H and
 * return n!/nⁿ·(Hⁿ)ₖₖ, squaring with power-of-two rescaling (Marsaglia, Tsang & Wang 2003).
 */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac; // 1/(j−1)!
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac; // (1 − hʲ)/j!
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  let H = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let P = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let tmp = new Float64Array(m * m);
  let expnt = 0;
  let hExpnt = 0;
  let nn = n;
  while (nn > 0) {
    if (nn % 2) {
      matMul(P, H, tmp, m);
      [P, tmp] = [tmp, P];
      expnt += hExpnt;
    }
    matMul(H, H, tmp, m);
    [H, tmp] = [tmp, H];
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > P128) {
      for (let i = 0; i < H.length; i++) H[i] /= P128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < M128) {
      p *= P128;
      expnt -= 128;
    }
  }
  return clip01(ldexp(p, expnt));
}

/** out = a·b for m × m row-major matrices (out must not alias a or b). */
function matMul(a: Float64Array, b: Float64Array, out: Float64Array, m: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let l = 0; l < m; l++) {
      const ail = a[ri + l];
      if (ail === 0) continue;
      const rl = l * m;
      for (let j = 0; j < m; j++) out[ri + j] += ail * b[rl + j];
    }
  }
}

/** Row-i support [j1, j2] of Pomeranz's recursion (Pomeranz 1974, Algorithm 487). */
function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/**
 * P(Dₙ ≤ x) by Pomeranz's recursion: 2n + 1 convolutions of a short row with truncated Poisson
 * weights (g/n)ᵐ/m!, (2g/n)ᵐ/m!, ((1−2g)/n)ᵐ/m!, rescaled by 2¹²⁸ against underflow.
 */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gp = new Float64Array(npwrs);
  const g2p = new Float64Array(npwrs);
  const g12p = new Float64Array(npwrs);
  gp[0] = g2p[0] = g12p[0] = 1;
  for (let m = 1; m < npwrs; m++) {
    gp[m] = (gp[m - 1] * (g / n)) / m;
    g2p[m] = (g2p[m - 1] * ((2 * g) / n)) / m;
    g12p[m] = (g12p[m - 1] * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilf, roundf);
    const pw = i === 1 || i === 2 * n + 1 ? gp : i % 2 ? g2p : g12p;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // conv = V0[k1−V0s, …] ∗ pw[0, len); keep entries j1−k1 … j2−k1 of the full convolution.
      const start = k1 - V0s;
      const la = Math.min(len, npwrs - start);
      const lb = Math.min(len, npwrs);
      const cStart = j1 - k1;
      const cLen = j2 - j1 + 1;
      let max = 0;
      for (let c = 0; c < cLen; c++) {
        const idx = cStart + c;
        let s = 0;
        const pLo = Math.max(0, idx - lb + 1);
        const pHi = Math.min(la - 1, idx);
        for (let p = pLo; p <= pHi; p++) s += V0[start + p] * pw[idx - p];
        V1[c] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < M128) {
        for (let c = 0; c < npwrs; c++) V1[c] *= P128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > P128) {
      ans *= M128;
      expnt += 128;
    }
    ans *= m;
  }
  return clip01(ldexp(ans, expnt));
}

/**
 * P(Dₙ ≤ x) by the Pelz–Good (1976) expansion K₀ + K₁/√n + K₂/n + K₃/n^1.5 of the Li-Chien /
 * Korolyuk series, in its theta-transformed form that converges for small z = √n·x.
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI * Math.PI;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  // Σ over odd m = 2k − 1 of cₘ·q^(m²), by Horner in q^(8k) (the gaps between consecutive m²).
  let K0 = 0;
  let K1 = 0;
  let K2 = 0;
  let K3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    K0 = K0 * qp + 1;
    K1 = K1 * qp + (k1a + k1b * m2);
    K2 = K2 * qp + (k2a + k2b * m2 + k2c * m4);
    K3 = K3 * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const scale = q * TWO_PI_SQRT;
  K0 = (K0 * scale) / z;
  K1 = (K1 * scale) / (6 * z4);
  K2 = (K2 * scale) / (72 * z4 * z2 * z);
  K3 = (K3 * scale) / (6480 * z4 * z6);
  // The other sums, over all integers k: K₂ gets π²k²·q'^(k²), K₃ gets (3z² − π²k²)·k²·q'^(k²).
  q = Math.exp(-pi2 / 2 / z2);
  const s3z = Math.sqrt(3) * z;
  let e2 = 0;
  let e3 = 0;
  for (let k = maxk; k >= 1; k--) {
    const k2 = k * k;
    const qk = Math.pow(q, k2);
    const kpi = Math.PI * k;
    e2 += k2 * qk;
    e3 += (s3z + kpi) * (s3z - kpi) * k2 * qk;
  }
  K2 += (e2 * pi2 * TWO_PI_SQRT) / (-36 * z2 * z);
  K3 += (e3 * pi2 * TWO_PI_SQRT) / (216 * z6);
  return K0 + K1 / Math.sqrt(n) + K2 / n + K3 / (n * Math.sqrt(n));
}

/**
 * Exact P(D ≥ h/lcm(n₁, n₂)) for the two-sided two-sample statistic under H₀ (continuous data), as
 * scipy's `ks_2samp(method='exact')`: for n₁ = n₂ = n the alternating sum
 * 2·Σ_k (−1)^(k−1)·C(2n, n − kh)/C(2n, n) in Horner form; otherwise Hodges' count of the lattice
 * paths from (0, 0) to (m, n) that leave the band |x/m − y/n| < h/lcm, kept as the proportion
 * 1 − p column by column (Viehmann 2021) so nothing overflows. `g` = gcd(n₁, n₂).
 */
export function ks2ExactSf(n1: number, n2: number, g: number, h: number): number {
  if (n1 === n2) return outsideSquare(n1, h);
  return outsideBand(n1, n2, g, h);
}

function outsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

function outsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    // A(i, j) = share of paths to (i, j) that already left the band, updated in place.
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}
