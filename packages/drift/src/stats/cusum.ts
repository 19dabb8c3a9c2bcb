export interface CusumOptions {
  /** Allowance k in standard deviations (half the shift to detect); default 0.5. */
  readonly k?: number;
  /** Decision threshold h in standard deviations; default 5. */
  readonly h?: number;
  /** Which shifts to watch: 'up', 'down' or 'both' (default 'both'). */
  readonly direction?: 'up' | 'down' | 'both';
  /**
   * Upper bound of each sum (default 2h). An alarm does not reset the sums: the detector keeps
   * watching while the condition persists, and the cap bounds how long it takes to come back
   * down once the condition ends (about (cap - release) / k in-control steps).
   */
  readonly cap?: number;
}

export interface CusumState {
  readonly up: number;
  readonly down: number;
}

/**
 * Page's tabular CUSUM on standardised values: S+ = min(cap, max(0, S+ + z - k)),
 * S- = min(cap, max(0, S- - z - k)); in alarm while either exceeds h. The one CUSUM of the
 * package: the drift monitor and the backtest both run it. State is plain data (persistable).
 */
export class Cusum {
  readonly k: number;
  readonly h: number;
  readonly cap: number;
  readonly direction: 'up' | 'down' | 'both';
  #up: number;
  #down: number;
  constructor(o: CusumOptions = {}, state: CusumState = { up: 0, down: 0 }) {
    this.k = o.k ?? 0.5;
    this.h = o.h ?? 5;
    this.cap = o.cap ?? 2 * this.h;
    this.direction = o.direction ?? 'both';
    if (!(this.k >= 0 && this.h > 0 && this.cap >= this.h))
      throw new RangeError(`CUSUM needs k >= 0, h > 0 and cap >= h, got k=${this.k}, h=${this.h}, cap=${this.cap}`);
    this.#up = state.up;
    this.#down = state.down;
  }
  /** Feeds one standardised value z; returns the sums and whether either is above h. */
  update(z: number): CusumState & { alarm: boolean } {
    this.#up = cusumUp(this, this.#up, z);
    this.#down = cusumDown(this, this.#down, z);
    return { up: this.#up, down: this.#down, alarm: this.alarm };
  }
  get alarm(): boolean {
    return this.#up > this.h || this.#down > this.h;
  }
  /** The larger of the two sums. */
  get value(): number {
    return Math.max(this.#up, this.#down);
  }
  get state(): CusumState {
    return { up: this.#up, down: this.#down };
  }
}

type CusumParameters = Pick<Cusum, 'k' | 'cap' | 'direction'>;

/** One step of the upper sum (the recursion `Cusum.update` runs; callers holding many sums as plain state use it directly). */
export function cusumUp(c: CusumParameters, up: number, z: number): number {
  return c.direction === 'down' ? 0 : Math.min(c.cap, Math.max(0, up + z - c.k));
}

/** One step of the lower sum. */
export function cusumDown(c: CusumParameters, down: number, z: number): number {
  return c.direction === 'up' ? 0 : Math.min(c.cap, Math.max(0, down - z - c.k));
}
