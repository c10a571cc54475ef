/**
 * A streaming quantile estimate in O(1) memory and time: the P-square algorithm (Jain & Chlamtac,
 * 1985) keeps five markers and moves them with a parabolic fit. Used for a target's p95 latency
 * (the hedge delay); exact for the first five samples.
 */
export class PSquare {
  /** Marker heights and positions (1-based, as in the paper), desired positions and their steps. */
  private readonly q = new Float64Array(5);
  private readonly n = new Float64Array(5);
  private readonly np = new Float64Array(5);
  private readonly dn: Float64Array;
  private seen = 0;

  constructor(private readonly p: number) {
    if (!(p > 0 && p < 1)) throw new RangeError(`quantile: expected a number in (0, 1), got ${String(p)}`);
    this.dn = Float64Array.of(0, p / 2, p, (1 + p) / 2, 1);
  }

  get count(): number {
    return this.seen;
  }

  add(x: number): void {
    const { q, n, np, dn } = this;
    if (this.seen < 5) {
      q[this.seen++] = x;
      if (this.seen === 5) {
        q.sort();
        n.set([1, 2, 3, 4, 5]);
        np.set([1, 1 + 2 * this.p, 1 + 4 * this.p, 3 + 2 * this.p, 5]);
      }
      return;
    }
    this.seen++;
    let k: number;
    if (x < q[0]!) {
      q[0] = x;
      k = 0;
    } else if (x >= q[4]!) {
      q[4] = x;
      k = 3;
    } else {
      k = 0;
      while (k < 3 && x >= q[k + 1]!) k++;
    }
    for (let i = k + 1; i < 5; i++) n[i]! += 1;
    for (let i = 0; i < 5; i++) np[i]! += dn[i]!;
    for (let i = 1; i < 4; i++) {
      const d = np[i]! - n[i]!;
      if ((d >= 1 && n[i + 1]! - n[i]! > 1) || (d <= -1 && n[i - 1]! - n[i]! < -1)) {
        const s = d > 0 ? 1 : -1;
        const candidate = this.parabolic(i, s);
        q[i] = q[i - 1]! < candidate && candidate < q[i + 1]! ? candidate : this.linear(i, s);
        n[i]! += s;
      }
    }
  }

  /** The estimate; undefined before any sample. */
  value(): number | undefined {
    if (this.seen === 0) return undefined;
    if (this.seen >= 5) return this.q[2];
    // Few samples: the nearest-rank quantile of what we have (a copy: this path is cold).
    const sorted = Array.from(this.q.subarray(0, this.seen)).sort((a, b) => a - b);
    return sorted[Math.min(this.seen - 1, Math.ceil(this.p * this.seen) - 1)];
  }

  reset(): void {
    this.seen = 0;
  }

  private parabolic(i: number, s: number): number {
    const { q, n } = this;
    const qm = q[i - 1]!,
      qi = q[i]!,
      qp = q[i + 1]!;
    const nm = n[i - 1]!,
      ni = n[i]!,
      nx = n[i + 1]!;
    return qi + (s / (nx - nm)) * ((ni - nm + s) * ((qp - qi) / (nx - ni)) + (nx - ni - s) * ((qi - qm) / (ni - nm)));
  }

  private linear(i: number, s: number): number {
    const { q, n } = this;
    return q[i]! + (s * (q[i + s]! - q[i]!)) / (n[i + s]! - n[i]!);
  }
}
