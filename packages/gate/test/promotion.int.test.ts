import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, isVigilError } from '@vigil/core';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ModelPromotionGate, gatePlugin, gatePromotionStepsToken, gateToken } from '../src/index.js';
import { goodFigures, standIns, workspace } from './fixtures.js';

describe.each(testDatabases())('gate promotion on %s', (database) => {
  let ws: ReturnType<typeof workspace>;
  let host: TestHost;
  let gate: ModelPromotionGate;
  let clock: ManualClock;
  const prod = () => join(ws.models, 'meta_learner_production.pkl');
  const rows = async () =>
    (await host.dataSource.query(
      'SELECT id, action, approved, promoted_to_production, model_sha256, actor, notes, checks_failed FROM model_promotion_history ORDER BY id',
    )) as Record<string, unknown>[];
  const promotions = async () => (await rows()).filter((r) => Number(r.promoted_to_production) === 1);

  beforeEach(async () => {
    ws = workspace();
    clock = new ManualClock('2026-03-02T14:30:00.000Z');
    host = await createTestHost({
      database,
      clock,
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: ws.options } } },
    });
    gate = host.container.resolve(gateToken);
  });
  afterEach(async () => {
    await host.dispose();
    ws.cleanup();
  });

  it('promotes an approved model file byte for byte, backing up the old production model with a timestamp', async () => {
    ws.write('meta_learner_production.pkl', 'old production');
    const cand = ws.write('cand/v2.pkl', Buffer.from([0, 1, 2, 255, 254]));
    const v = await gate.validateModel(cand, goodFigures());
    const r = await gate.promoteModel(cand, { modelVersion: 'v1', actor: 'pipeline' });
    expect(readFileSync(prod())).toEqual(Buffer.from([0, 1, 2, 255, 254]));
    expect(r).toMatchObject({
      action: 'promote',
      kind: 'file',
      productionPath: prod(),
      decisionId: v.historyId,
      modelSha256: v.modelSha256,
    });
    expect(r.backupPath).toBe(join(ws.models, 'backups', 'meta_learner_production.pkl.20260302T143000000Z'));
    expect(readFileSync(r.backupPath as string, 'utf8')).toBe('old production');
    expect(readdirSync(ws.models).filter((n) => n.includes('.tmp-'))).toEqual([]);
    const last = (await rows()).at(-1);
    expect(last).toMatchObject({ action: 'promote', model_sha256: v.modelSha256, actor: 'pipeline' });
    expect(Number(last?.promoted_to_production)).toBe(1);
    expect(Number(last?.approved)).toBe(1);
  });

  it('backupOld: false replaces production without a backup', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    const cand = ws.write('v3.pkl', 'new');
    await gate.validateModel(cand, goodFigures());
    const r = await gate.promoteModel(cand, { modelVersion: 'v1', backupOld: false });
    expect(r.backupPath).toBeNull();
    expect(existsSync(join(ws.models, 'backups'))).toBe(false);
    expect(readFileSync(prod(), 'utf8')).toBe('new');
  });

  it('refuses a rejected, a never-validated, or a since-changed model and copies nothing', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    const bad = ws.write('bad.pkl', 'bad');
    await gate.validateModel(bad, goodFigures({ regimeAccuracy: { crash: 0.4 } }));
    const e1 = await gate.promoteModel(bad, { modelVersion: 'v1' }).catch((e) => e);
    expect(isVigilError(e1, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(e1.message).toContain('rejected by its latest validation');
    const never = ws.write('never.pkl', 'never');
    expect(
      isVigilError(await gate.promoteModel(never, { modelVersion: 'v1' }).catch((e) => e), 'VIGIL_NOT_FOUND'),
    ).toBe(true);
    const changed = ws.write('changed.pkl', 'v1');
    await gate.validateModel(changed, goodFigures());
    writeFileSync(changed, 'v1 plus an edit after validation');
    expect(
      isVigilError(await gate.promoteModel(changed, { modelVersion: 'v1' }).catch((e) => e), 'VIGIL_NOT_FOUND'),
    ).toBe(true);
    // approved once, rejected later: the latest validation wins
    const flip = ws.write('flip.pkl', 'flip');
    await gate.validateModel(flip, goodFigures());
    await gate.validateModel(flip, goodFigures({ accuracy: 0.5 }));
    expect(
      isVigilError(await gate.promoteModel(flip, { modelVersion: 'v1' }).catch((e) => e), 'VIGIL_INVALID_INPUT'),
    ).toBe(true);
    expect(readFileSync(prod(), 'utf8')).toBe('old');
    expect(await promotions()).toEqual([]);
    expect((await rows()).filter((r) => r.action === 'promote').length).toBe(4);
  });

  it('refuses paths that escape the models directory, and the production model itself', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    writeFileSync(join(ws.root, 'outside.pkl'), 'outside');
    for (const p of ['../outside.pkl', join(ws.root, 'outside.pkl'), join(ws.models, '..', 'outside.pkl'), prod()]) {
      const err = await gate.promoteModel(p.startsWith('..') ? join('models', p) : p).catch((e) => e);
      expect(isVigilError(err, 'VIGIL_PATH_REFUSED'), p).toBe(true);
    }
    expect(readFileSync(prod(), 'utf8')).toBe('old');
  });

  it('promotes a model directory atomically and rolls back to the previous one', async () => {
    const mk = (name: string, tag: string) => {
      ws.write(`${name}/xgb.json`, `xgb ${tag}`);
      ws.write(`${name}/nested/lgbm.txt`, `lgbm ${tag}`);
      return join(ws.models, name);
    };
    const a = mk('base_a', 'A');
    const b = mk('base_b', 'B');
    await gate.validateModel(a, goodFigures());
    await gate.validateModel(b, goodFigures());
    await gate.promoteModel(a, { modelVersion: 'v1' });
    clock.advance(60_000);
    const r = await gate.promoteModel(b, { modelVersion: 'v1' });
    const prodDir = join(ws.models, 'base_models_production');
    expect(r.kind).toBe('directory');
    expect(readFileSync(join(prodDir, 'nested', 'lgbm.txt'), 'utf8')).toBe('lgbm B');
    expect(readFileSync(join(r.backupPath as string, 'xgb.json'), 'utf8')).toBe('xgb A');
    clock.advance(60_000);
    const rb = await gate.rollback({ actor: 'oncall' });
    expect(rb.productionPath).toBe(prodDir);
    expect(readFileSync(join(prodDir, 'xgb.json'), 'utf8')).toBe('xgb A');
    expect(readFileSync(join(rb.replacedPath as string, 'xgb.json'), 'utf8')).toBe('xgb B');
    const last = (await rows()).at(-1);
    expect(last).toMatchObject({ action: 'rollback', actor: 'oncall' });
    expect(Number(last?.approved)).toBe(1);
  });

  it('rollback restores the most recent file backup and records it; with none it says so', async () => {
    expect(isVigilError(await gate.rollback().catch((e) => e), 'VIGIL_NOT_FOUND')).toBe(true);
    expect((await rows()).at(-1)).toMatchObject({
      action: 'rollback',
      notes: expect.stringContaining('no backup to roll back to'),
    });
    ws.write('meta_learner_production.pkl', 'v1');
    for (const v of ['v2', 'v3']) {
      const p = ws.write(`${v}.pkl`, v);
      await gate.validateModel(p, goodFigures());
      clock.advance(1000);
      await gate.promoteModel(p, { modelVersion: 'v1' });
    }
    expect(readFileSync(prod(), 'utf8')).toBe('v3');
    const r = await gate.rollback();
    expect(readFileSync(prod(), 'utf8')).toBe('v2');
    expect(readFileSync(r.replacedPath as string, 'utf8')).toBe('v3');
    await gate.rollback();
    expect(readFileSync(prod(), 'utf8')).toBe('v1');
    expect(
      (await rows()).filter((x) => x.action === 'rollback' && Number(x.promoted_to_production) === 1),
    ).toHaveLength(2);
    expect(await gate.verifyHistory()).toMatchObject({ ok: true });
  });

  it('override promotes a rejected model, needs an actor and a reason, and keeps the failed checks visible', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    const cand = ws.write('emergency.pkl', 'emergency');
    const v = await gate.validateModel(cand, goodFigures({ driftScore: 0.3 }));
    expect(v.approved).toBe(false);
    for (const bad of [{ actor: '', reason: 'x' }, { actor: 'ana', reason: '   ' }, {} as never]) {
      const err = await gate.overrideModel(cand, bad).catch((e) => e);
      expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    }
    expect(readFileSync(prod(), 'utf8')).toBe('old');
    const r = await gate.overrideModel(cand, {
      modelVersion: 'v1',
      actor: 'ana.lopez',
      reason: 'old model broken by data vendor outage; drift is the outage itself',
    });
    expect(r.action).toBe('override');
    expect(readFileSync(prod(), 'utf8')).toBe('emergency');
    const entry = (await gate.getHistory({ limit: 1 })).entries[0];
    expect(entry).toMatchObject({
      action: 'override',
      approved: false,
      promotedToProduction: true,
      actor: 'ana.lopez',
      checksFailed: ['drift.drift_score'],
      notes: expect.stringContaining('vendor outage'),
    });
    expect(entry?.criteria).toMatchObject({
      overrides: v.historyId,
      overriddenReasons: [expect.stringContaining('drift.drift_score')],
    });
    // once overridden, a later re-promotion of the same bytes is allowed, and recorded as not approved
    await gate.rollback();
    const again = await gate.promoteModel(cand, { modelVersion: 'v1' });
    expect(again.decisionId).toBe(entry?.id);
  });

  it('two concurrent promotions in one process: exactly one wins, the other gets VIGIL_CONFLICT', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    const a = ws.write('a.pkl', 'candidate A'.repeat(1000));
    const b = ws.write('b.pkl', 'candidate B'.repeat(1000));
    await gate.validateModel(a, goodFigures());
    await gate.validateModel(b, goodFigures());
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let staged!: () => void;
    const isStaged = new Promise<void>((r) => {
      staged = r;
    });
    host.container.register(gatePromotionStepsToken, {
      useValue: {
        async staged() {
          staged();
          await held;
        },
      },
    });
    const first = gate.promoteModel(a, { modelVersion: 'v1' });
    await isStaged;
    const second = await gate.promoteModel(b, { modelVersion: 'v1' }).catch((e) => e);
    release();
    await first;
    expect(isVigilError(second, 'VIGIL_CONFLICT')).toBe(true);
    expect(second.message).toContain('another promotion or rollback is in progress');
    expect(readFileSync(prod(), 'utf8')).toBe('candidate A'.repeat(1000));
    expect(await promotions()).toHaveLength(1);
    // the lock is released: a later promotion goes through
    host.container.register(gatePromotionStepsToken, { useValue: {} });
    await gate.promoteModel(b, { modelVersion: 'v1' });
    expect(readFileSync(prod(), 'utf8')).toBe('candidate B'.repeat(1000));
  });

  it('a rejection logged while a promotion is staging wins: the promotion is refused', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    const cand = ws.write('v5.pkl', 'v5');
    await gate.validateModel(cand, goodFigures());
    host.container.register(gatePromotionStepsToken, {
      useValue: { staged: async () => void (await gate.validateModel(cand, goodFigures({ accuracy: 0.5 }))) },
    });
    const err = await gate.promoteModel(cand, { modelVersion: 'v1' }).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_CONFLICT')).toBe(true);
    expect(err.message).toContain('validated again');
    expect(readFileSync(prod(), 'utf8')).toBe('old');
    expect(await promotions()).toEqual([]);
  });

  it('a crash between copy and rename leaves the old production model intact and records no promotion', async () => {
    ws.write('meta_learner_production.pkl', 'old production');
    const cand = ws.write('v9.pkl', 'v9');
    await gate.validateModel(cand, goodFigures());
    let tempSeen = '';
    host.container.register(gatePromotionStepsToken, {
      useValue: {
        beforeRename(temp: string) {
          tempSeen = temp;
          expect(readFileSync(temp, 'utf8')).toBe('v9');
          throw new Error('power cut');
        },
      },
    });
    const err = await gate.promoteModel(cand, { modelVersion: 'v1' }).catch((e) => e);
    expect(err.message).toBe('power cut');
    expect(readFileSync(prod(), 'utf8')).toBe('old production');
    expect(existsSync(tempSeen)).toBe(false);
    expect(await promotions()).toEqual([]);
    expect((await rows()).at(-1)).toMatchObject({ action: 'promote', notes: expect.stringContaining('power cut') });
    // and the gate recovers: the next attempt promotes
    host.container.register(gatePromotionStepsToken, { useValue: {} });
    await gate.promoteModel(cand, { modelVersion: 'v1' });
    expect(readFileSync(prod(), 'utf8')).toBe('v9');
  });

  it('verifyHistory names an edited row and the gap left by a deleted one', async () => {
    const cand = ws.write('m.pkl', 'm');
    for (let i = 0; i < 4; i++) await gate.validateModel(cand, goodFigures({ accuracy: 0.6 + i * 0.05 }));
    expect(await gate.verifyHistory()).toMatchObject({ ok: true, rows: 4, firstBadId: null });
    await host.dataSource.query('UPDATE model_promotion_history SET approved = 1 WHERE id = 2');
    const edited = await gate.verifyHistory();
    expect(edited).toMatchObject({ ok: false, firstBadId: 2 });
    expect(edited.reason).toContain('row 2 was altered');
    await host.dataSource.query('UPDATE model_promotion_history SET approved = 0 WHERE id = 2');
    expect((await gate.verifyHistory()).ok).toBe(true);
    await host.dataSource.query('DELETE FROM model_promotion_history WHERE id = 3');
    const gap = await gate.verifyHistory();
    expect(gap).toMatchObject({ ok: false, firstBadId: 4 });
    expect(gap.reason).toContain('row 3 is missing');
  });
});

describe('gate promotion setup', () => {
  it('exists only once the host has started', async () => {
    const ws = workspace();
    mkdirSync(join(ws.models, 'x'), { recursive: true });
    const host = await createTestHost({
      plugins: [gatePlugin],
      start: false,
      config: { plugins: { gate: { options: ws.options } } },
    });
    // the gate is built by its plugin's init, with the data source already open: before start there is none to misuse
    expect(host.container.isRegistered(gateToken, true)).toBe(false);
    await host.start();
    expect(host.container.isRegistered(gateToken, true)).toBe(true);
    await host.dispose();
    ws.cleanup();
  });
});
