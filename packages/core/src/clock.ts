/** Time as the host sees it; tests and replays bind a fixed or simulated clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that returns what it is set to; for tests and historical replays. */
export class ManualClock implements Clock {
  #t: number;
  constructor(start: Date | string = '2020-01-01T00:00:00.000Z') {
    this.#t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  set(t: Date | string): void {
    this.#t = new Date(t).getTime();
  }
  advance(ms: number): void {
    this.#t += ms;
  }
}
