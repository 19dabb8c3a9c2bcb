export interface CusumOptions {
  /** Reference (in-control) mean and standard deviation, usually from the baseline. */
  readonly mean: number;
  readonly std: number;
  /** Allowance k in standard deviations (half the shift to detect); default 0.5. */
  readonly k?: number;
  /** Decision threshold h in standard deviations; default 5. */
  readonly h?: number;
  /** Which shifts to watch: 'up', 'down' or 'both' (default 'both'). */
  readonly direction?: 'up' | 'down' | 'both';
}

export interface CusumState {
  readonly up: number;
  readonly down: number;
  readonly alarm: boolean;
}

/**
 * Page's two-sided tabular CUSUM on standardised values: S+ = max(0, S+ + z - k),
 * S- = max(0, S- - z - k); an alarm when either exceeds h, after which both restart at 0.
 */
export class Cusum {
  #up = 0;
  #down = 0;
  readonly k: number;
  readonly h: number;
  constructor(private readonly o: CusumOptions) {
    this.k = o.k ?? 0.5;
    this.h = o.h ?? 5;
    if (!(o.std > 0) || !Number.isFinite(o.mean)) throw new RangeError(`CUSUM needs a finite mean and std > 0, got ${o.mean}, ${o.std}`);
  }
  update(x: number): CusumState {
    const z = (x - this.o.mean) / this.o.std;
    const dir = this.o.direction ?? 'both';
    this.#up = dir === 'down' ? 0 : Math.max(0, this.#up + z - this.k);
    this.#down = dir === 'up' ? 0 : Math.max(0, this.#down - z - this.k);
    const alarm = this.#up > this.h || this.#down > this.h;
    const state = { up: this.#up, down: this.#down, alarm };
    if (alarm) this.reset();
    return state;
  }
  reset(): void {
    this.#up = 0;
    this.#down = 0;
  }
  get state(): { up: number; down: number } {
    return { up: this.#up, down: this.#down };
  }
}
