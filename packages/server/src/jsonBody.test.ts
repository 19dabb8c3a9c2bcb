import { describe, expect, it } from 'vitest';
import { bodyProblem } from './jsonBody.js';

describe('bodyProblem', () => {
  it('accepts ordinary bodies, unicode included', () => {
    expect(bodyProblem({ records: [{ id: 'a', symbol: '🦊 ünï', features: { f: 1 } }] })).toBeUndefined();
    expect(bodyProblem(null)).toBeUndefined();
    expect(bodyProblem('text')).toBeUndefined();
    expect(bodyProblem(JSON.parse(`${'['.repeat(32)}${']'.repeat(32)}`))).toBeUndefined();
  });

  it('names the place nested too deep', () => {
    expect(bodyProblem(JSON.parse(`${'['.repeat(33)}${']'.repeat(33)}`))).toEqual({
      path: 'body.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0',
      message: 'is nested deeper than 32 levels',
    });
    expect(bodyProblem({ validation: { a: { b: 1 } } }, 2)?.path).toBe('body.validation.a');
  });

  it('walks a million levels without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    expect(bodyProblem(deep)?.message).toBe('is nested deeper than 32 levels');
    expect(bodyProblem(deep, 2_000_000)).toBeUndefined();
  });

  it('names a string or key holding a lone surrogate', () => {
    expect(bodyProblem({ records: [{ id: 'ok' }, { id: 'x\ud800' }] })).toEqual({
      path: 'body.records.1.id',
      message: 'is not well-formed Unicode (lone surrogate)',
    });
    expect(bodyProblem({ modelPath: 'a\udfffb' })?.path).toBe('body.modelPath');
    expect(bodyProblem({ records: [{ features: { 'f\udc00': 1 } }] })?.path).toBe('body.records.0.features');
    expect(bodyProblem('\ud800')?.path).toBe('body');
  });
});
