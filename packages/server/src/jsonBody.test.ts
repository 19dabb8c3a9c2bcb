import { describe, expect, it } from 'vitest';
import { jsonDepth } from './jsonBody.js';

describe('jsonDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth([[], [[[]]], {}])).toBe(4);
  });

  it('walks a million levels without recursion and stops early past the limit', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    expect(jsonDepth(deep)).toBe(1_000_000);
    expect(jsonDepth(deep, 32)).toBe(33);
  });
});
