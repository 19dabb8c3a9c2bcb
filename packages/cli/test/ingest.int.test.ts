import { PassThrough, Readable } from 'node:stream';
import { makePredictions } from '@vigil/test-utils';
import { createTestHost } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { ingest } from '../src/ingest.js';
import type { CliIO } from '../src/io.js';

const io = (input: string): CliIO => ({
  stdin: Readable.from([input]),
  stdout: new PassThrough(),
  stderr: new PassThrough(),
});
const opts = { batch: 3, strict: false, progress: false };

describe('vigil observe/resolve ingestion', () => {
  it('accepts good JSON Lines, reports each bad line with its number and reason, and goes on', async () => {
    const host = await createTestHost({ plugins: [] });
    try {
      const recs = makePredictions(7);
      const lines = recs.map((r) => JSON.stringify(r));
      lines.splice(2, 0, '{not json');
      lines.splice(5, 0, JSON.stringify({ ...recs[0], id: 'bad-conf', confidence: 2 }));
      lines.push(JSON.stringify(recs[1])); // a retried line: a duplicate, not a refusal
      const s = await ingest('observe', host, opts, io(`${lines.join('\n')}\n`));
      expect(s).toMatchObject({ read: 10, accepted: 7, duplicates: 1, refused: 2 });
      expect(s.refusals).toEqual([
        { line: 3, reason: expect.stringMatching(/^not JSON/) },
        { line: 6, reason: 'confidence: must be a number in [0, 1], got 2' },
      ]);

      const outcomes = [
        { id: recs[0]!.id, actualLabel: 1 },
        { id: 'never-seen', actualLabel: 0 },
        { id: recs[1]!.id, actualLabel: 5 },
        { id: recs[2]!.id, actualLabel: 0 },
      ].map((o) => JSON.stringify(o));
      const r = await ingest('resolve', host, opts, io(outcomes.join('\n')));
      expect(r).toMatchObject({ read: 4, accepted: 2, refused: 2 });
      expect(r.refusals.map((x) => x.line)).toEqual([2, 3]);
      expect(r.refusals[0]!.reason).toMatch(/never observed/);
      expect((await host.getPrediction(recs[2]!.id))?.actualLabel).toBe(0);
    } finally {
      await host.dispose();
    }
  });

  it('reads CSV: fixed columns by name, the other columns are features', async () => {
    const host = await createTestHost({ plugins: [] });
    try {
      const csv = [
        'id,timestamp,symbol,regime,predictedLabel,confidence,modelVersion,ret_1d,vix',
        'a1,2015-08-24,AAPL,crash,0,0.91,m1,-0.025,40.7',
        'a2,2015-08-24,"BRK.B",crash,1,0.55,m1,0.01,',
        'a3,2015-08-25,XOM,crash,1,0.6,m1,0.02,36.0',
      ].join('\n');
      const s = await ingest('observe', host, { ...opts, format: 'csv' }, io(csv));
      expect(s).toMatchObject({ read: 3, accepted: 2, refused: 1 });
      expect(s.refusals[0]).toEqual({ line: 3, reason: 'features.vix: must be a finite number, got NaN' });
      expect(await host.getPrediction('a1')).toMatchObject({
        symbol: 'AAPL',
        features: { ret_1d: -0.025, vix: 40.7 },
        confidence: 0.91,
      });
    } finally {
      await host.dispose();
    }
  });

  it('stops at the first refused line with strict, keeping what was accepted before it', async () => {
    const host = await createTestHost({ plugins: [] });
    try {
      const recs = makePredictions(6).map((r) => JSON.stringify(r));
      recs.splice(4, 0, '[]');
      const s = await ingest('observe', host, { ...opts, strict: true }, io(recs.join('\n')));
      expect(s).toMatchObject({ accepted: 3, refused: 1 });
      expect(s.refusals[0]!.line).toBe(5);
    } finally {
      await host.dispose();
    }
  });
});
