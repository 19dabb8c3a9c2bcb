import type { ClosedStep } from './PanelDrift.js';

/**
 * A closed step as drift_steps.step_json. A step inside the window keeps every symbol's transformed value of every
 * feature (a 500-symbol panel: 10,000 numbers per step): written as JSON numbers, formatting them cost more than
 * the rest of the monitor. They are stored instead as `values64`, per feature the base64 of the values' IEEE-754
 * doubles, little-endian: exact to the bit (-0 included, which JSON would turn into 0) and about half the size.
 * Rows written before (`values` as JSON arrays) still read.
 */
export function encodeStep(s: ClosedStep): string {
  if (!s.values) return JSON.stringify(s);
  const values64: Record<string, string> = {};
  for (const f in s.values) values64[f] = packFloat64(s.values[f] as number[]);
  const { values: _values, ...rest } = s;
  return JSON.stringify({ ...rest, values64 });
}

export function decodeStep(json: string): ClosedStep {
  const parsed = JSON.parse(json) as ClosedStep & { values64?: Record<string, string> };
  const { values64, ...step } = parsed;
  if (!values64) return step;
  const values: Record<string, number[]> = {};
  for (const f in values64) values[f] = unpackFloat64(values64[f] as string);
  return { ...step, values };
}

const littleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function packFloat64(values: readonly number[]): string {
  if (littleEndian) {
    const f = new Float64Array(values);
    return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
  }
  const bytes = Buffer.alloc(8 * values.length);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i] as number, 8 * i);
  return bytes.toString('base64');
}

function unpackFloat64(b64: string): number[] {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Array<number>(bytes.length >> 3);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(8 * i);
  return out;
}
