import type { Issue } from '@vigil/core';
import { describeValue } from '@vigil/core';

/** A feature vector as callers give it: positional, or named (ordered by the layout's names). */
export type FeatureInput = readonly number[] | Readonly<Record<string, number>>;

/**
 * The buffer's feature layout: a fixed length and, once named features have been seen (or
 * configured), a fixed name order. Fixed by the first vector stored; persisted beside the table.
 */
export class FeatureLayout {
  constructor(
    readonly names: readonly string[] | null = null,
    readonly dim: number | null = names ? names.length : null,
  ) {}

  get established(): boolean {
    return this.dim !== null;
  }

  /**
   * Turns one input into a vector, checking it against the layout. Returns the vector and the
   * layout to use from here on (a new one when this input fixed it), or pushes issues.
   */
  vectorize(issues: Issue[], at: string, f: unknown): { vector: number[]; layout: FeatureLayout } | undefined {
    const before = issues.length;
    if (Array.isArray(f)) {
      if (this.dim !== null && f.length !== this.dim) {
        issues.push({
          path: at,
          message: `must have ${this.dim} features (the buffer's feature length), got ${f.length}`,
          value: f.length,
        });
        return undefined;
      }
      if (f.length === 0)
        issues.push({ path: at, message: 'must have at least one feature, got an empty array', value: f });
      f.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          issues.push({ path: `${at}[${i}]`, message: `must be a finite number, got ${describeValue(v)}`, value: v });
      });
      if (issues.length > before) return undefined;
      return { vector: f as number[], layout: this.dim === null ? new FeatureLayout(null, f.length) : this };
    }
    if (typeof f !== 'object' || f === null) {
      issues.push({
        path: at,
        message: `must be an array of numbers or an object of named numbers, got ${describeValue(f)}`,
        value: f,
      });
      return undefined;
    }
    const rec = f as Record<string, unknown>;
    const keys = Object.keys(rec);
    const names = this.names ?? [...keys].sort();
    if (this.dim !== null && keys.length !== this.dim) {
      issues.push({
        path: at,
        message: `must have ${this.dim} features (the buffer's feature length), got ${keys.length}`,
        value: keys.length,
      });
      return undefined;
    }
    if (names.length === 0) {
      issues.push({ path: at, message: 'must have at least one feature, got an empty object', value: f });
      return undefined;
    }
    const missing = names.filter((n) => !(n in rec));
    const extra = keys.filter((k) => !names.includes(k));
    if (missing.length || extra.length) {
      issues.push({
        path: at,
        message: `must have exactly the buffer's ${names.length} features${missing.length ? `; missing ${missing.slice(0, 5).join(', ')}` : ''}${extra.length ? `; unexpected ${extra.slice(0, 5).join(', ')}` : ''}`,
        value: keys.length,
      });
      return undefined;
    }
    const vector = names.map((n) => rec[n] as number);
    vector.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        issues.push({
          path: `${at}.${names[i]}`,
          message: `must be a finite number, got ${describeValue(v)}`,
          value: v,
        });
    });
    if (issues.length > before) return undefined;
    return { vector, layout: this.names ? this : new FeatureLayout(names, names.length) };
  }

  /**
   * True when `f` is an object holding exactly this layout's named features, each a finite number:
   * what `vectorize` accepts without issues and without changing the layout, checked without
   * building a vector (the observe hook's common case). False sends the caller to `vectorize`.
   */
  fits(f: unknown): boolean {
    const names = this.names;
    if (names === null || typeof f !== 'object' || f === null || Array.isArray(f)) return false;
    // A producer builds every record's features the same way: an object whose own keys are, in
    // order, those of the last one that fit holds exactly the names; only its values need a look.
    const order = this.#order;
    const keys = Object.keys(f);
    if (order !== undefined && keys.length === order.length) {
      let i = 0;
      while (i < keys.length && keys[i] === order[i]) i++;
      if (i === keys.length) {
        for (let j = 0; j < keys.length; j++) {
          const v = (f as Record<string, unknown>)[keys[j] as string];
          if (typeof v !== 'number' || !Number.isFinite(v)) return false;
        }
        return true;
      }
    }
    if (!this.#fitsByName(f, names)) return false;
    this.#order = keys;
    return true;
  }

  /** The own keys, in order, of the last object that fit by name (see `fits`). */
  #order: readonly string[] | undefined;

  #fitsByName(f: object, names: readonly string[]): boolean {
    let own = 0;
    for (const k in f) if (Object.hasOwn(f, k)) own++;
    if (own !== names.length) return false;
    for (let i = 0; i < names.length; i++) {
      const n = names[i] as string;
      const v = (f as Record<string, unknown>)[n];
      if (typeof v !== 'number' || !Number.isFinite(v) || !Object.hasOwn(f, n)) return false;
    }
    return true;
  }

  toJSON(): { names: readonly string[] | null; dim: number | null } {
    return { names: this.names, dim: this.dim };
  }

  static parse(json: string | undefined): FeatureLayout {
    if (!json) return new FeatureLayout();
    const o = JSON.parse(json) as { names?: string[] | null; dim?: number | null };
    return new FeatureLayout(o.names ?? null, o.dim ?? (o.names ? o.names.length : null));
  }
}
