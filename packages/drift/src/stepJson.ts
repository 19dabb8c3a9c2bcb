import type { ClosedStep } from './PanelDrift.js';

/**
 * A closed step as drift_steps.step_json. A step inside the window keeps every symbol's transformed value of every
 * feature (a 500-symbol panel: 10,000 numbers per step): written as JSON numbers, formatting them cost more than
 * the rest of the monitor. They are stored instead as `values64`, per feature the base64 of the values' IEEE-754
 * doubles, little-endian: exact to the bit (-0 included, which JSON would turn into 0) and about half the size;
 * the predictions likewise as `predictions64` (label, confidence per record: a label-less NaN stays NaN, where
 * JSON wrote null). Rows written before (`values` and `predictions` as JSON arrays) still read.
 */
export function encodeStep(s: ClosedStep): string {
  if (!s.values && !s.predictions) return JSON.stringify(s);
  const { values, predictions, ...rest } = s;
  // JSON.stringify's text of { ...rest, values64, predictions64 }, the base64 strings put in as they are: they hold no
  // character JSON escapes, and JSON.stringify scanning 100 kB of them per step cost more than packing the doubles
  const head = JSON.stringify(rest);
  const parts = [head.length > 2 ? `${head.slice(0, -1)},` : '{'];
  if (values) {
    parts.push('"values64":{');
    let first = true;
    for (const f in values) {
      parts.push(`${first ? '' : ','}${JSON.stringify(f)}:"${packFloat64(values[f] as number[])}"`);
      first = false;
    }
    parts.push(predictions ? '},' : '}');
  }
  if (predictions) {
    const flat = new Array<number>(2 * predictions.length);
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i] as [number, number];
      flat[2 * i] = p[0];
      flat[2 * i + 1] = p[1];
    }
    parts.push(`"predictions64":"${packFloat64(flat)}"`);
  }
  parts.push('}');
  return parts.join('');
}

export function decodeStep(json: string): ClosedStep {
  const parsed = JSON.parse(json) as ClosedStep & { values64?: Record<string, string>; predictions64?: string };
  const { values64, predictions64, ...step } = parsed;
  if (!values64 && predictions64 === undefined) return step;
  const out: { -readonly [K in keyof ClosedStep]: ClosedStep[K] } = { ...step };
  if (values64) {
    const values: Record<string, number[]> = {};
    for (const f in values64) values[f] = unpackFloat64(values64[f] as string);
    out.values = values;
  }
  if (predictions64 !== undefined) {
    const flat = unpackFloat64(predictions64);
    const predictions: [number, number][] = new Array(flat.length >> 1);
    for (let i = 0; i < predictions.length; i++) predictions[i] = [flat[2 * i] as number, flat[2 * i + 1] as number];
    out.predictions = predictions;
  }
  return out;
}

const littleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function packFloat64(values: readonly number[]): string {
  if (littleEndian) {
    // element by element: a typed array built from a plain array takes a slow generic path
    const f = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) f[i] = values[i] as number;
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
