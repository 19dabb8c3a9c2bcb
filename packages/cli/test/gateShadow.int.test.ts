import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliWorkspace, cliWorkspace } from './cliHarness.js';

/** 20 trading days of 3 symbols, champion m1 and challenger m2: the challenger wins 16 days, loses 4. */
function records(): { predictions: string; outcomes: string } {
  const p: Record<string, unknown>[] = [];
  const o: Record<string, unknown>[] = [];
  for (let d = 0; d < 20; d++) {
    const timestamp = new Date(Date.UTC(2021, 2, 1 + d, 21)).toISOString();
    for (let s = 0; s < 3; s++) {
      const actual = (d + s) % 2;
      const challengerWins = d < 16;
      for (const [model, right] of [
        ['m1', challengerWins ? s !== 0 : true],
        ['m2', challengerWins ? true : s !== 0],
      ] as const) {
        const id = `${model}-${d}-${s}`;
        p.push({
          id,
          timestamp,
          symbol: `S${s}`,
          regime: 'normal',
          features: { x: s },
          predictedLabel: right ? actual : 1 - actual,
          confidence: 0.7,
          modelVersion: model,
        });
        o.push({ id, actualLabel: actual });
      }
    }
  }
  const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  return { predictions: jsonl(p), outcomes: jsonl(o) };
}

describe.each(testDatabases())('vigil gate shadow (%s)', (database) => {
  let ws: CliWorkspace;
  afterEach(() => ws?.cleanup());

  it('starts, lists, compares and stops a shadow; refuses bad input with exit 2 naming the field', async () => {
    ws = await cliWorkspace(
      database,
      (dir) =>
        `regimes: [normal, crash]\nplugins:\n  gate:\n    options: { root: ${JSON.stringify(dir)}, modelsDir: models, challenger: { enabled: true } }\n`,
    );
    mkdirSync(join(ws.dir, 'models'));
    writeFileSync(join(ws.dir, 'models', 'm2.json'), '{}');
    const started = await ws.cli([
      'gate',
      'shadow',
      'start',
      '--model',
      'm2',
      '--champion',
      'm1',
      '--model-path',
      'models/m2.json',
      '--since',
      '2021-03-01',
      '--json',
    ]);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({
      model: 'm2',
      champion: 'm1',
      modelPath: 'models/m2.json',
      since: '2021-03-01T00:00:00.000Z',
      active: true,
    });
    const again = await ws.cli(['gate', 'shadow', 'start', '--model', 'm2', '--champion', 'm1']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already observed in shadow/);
    const bad = await ws.cli(['gate', 'shadow', 'start', '--model', 'm3', '--champion', 'm1', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/since: must be an ISO-8601 date/);
    // no --champion: the model live at --since; nothing promoted yet, so exit 2 naming the field
    const noChampion = await ws.cli(['gate', 'shadow', 'start', '--model', 'm3', '--since', '2021-03-01']);
    expect(noChampion.code).toBe(2);
    expect(noChampion.stderr).toMatch(/champion: not given, and no model is live at 2021-03-01T00:00:00\.000Z/);

    const { predictions, outcomes } = records();
    expect((await ws.cli(['observe', ws.file('p.jsonl', predictions)])).code).toBe(0);
    expect((await ws.cli(['resolve', ws.file('o.jsonl', outcomes)])).code).toBe(0);

    const compare = await ws.cli(['gate', 'shadow', 'compare', 'm2', '--json']);
    expect(compare.code, compare.stderr).toBe(0);
    const c = JSON.parse(compare.stdout);
    expect(c).toMatchObject({ rows: 60, days: 20, daysChallengerBetter: 16, daysChampionBetter: 4 });
    // P(Bin(20, 1/2) >= 16) = 6196/1048576
    expect(c.pBetter).toBeCloseTo(6196 / 1048576, 12);
    const table = await ws.cli(['gate', 'shadow', 'compare']);
    expect(table.stdout).toMatch(/60 paired rows over 20 days: challenger .* better on 16 days vs 4/);

    const validation = ws.file('v.json', JSON.stringify({ accuracy: 0.9 }));
    const v = await ws.cli(['gate', 'validate', 'models/m2.json', '--validation', validation, '--json']);
    const check = JSON.parse(v.stdout).checks.find((x: { id: string }) => x.id === 'gate.challenger_vs_champion');
    expect(check).toMatchObject({ status: 'pass', required: false });

    const stopped = await ws.cli(['gate', 'shadow', 'stop', 'm2', '--until', '2021-03-25', '--json']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ active: false, until: '2021-03-25T00:00:00.000Z' });
    const list = await ws.cli(['gate', 'shadow', 'list']);
    expect(list.stdout).toMatch(/m2 +│? *m1/);
    expect(list.stdout).toMatch(/1 shadow\(s\)/);
    const none = await ws.cli(['gate', 'shadow', 'stop', 'm2']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/not observed in shadow/);
  });
});
