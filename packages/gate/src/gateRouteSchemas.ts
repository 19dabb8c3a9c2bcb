/**
 * OpenAPI schemas of the gate's answers (docs/api.md, Promotion gate). They document; the
 * server serializes answers with JSON.stringify, so a schema never reshapes one.
 */
const str = { type: 'string' } as const;
const nstr = { type: 'string', nullable: true } as const;
const int = { type: 'integer' } as const;
const nnum = { type: 'number', nullable: true } as const;
const bool = { type: 'boolean' } as const;
const obj = (properties: Record<string, unknown>, nullable = false) =>
  ({ type: 'object', required: Object.keys(properties), properties, ...(nullable ? { nullable: true } : {}) }) as const;

/** Query strings: the declared parameters (strings, as they arrive; each route checks its own). */
export const query = (properties: Record<string, string> = {}) => ({
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(properties).map(([k, description]) => [k, { type: 'string', description }]),
  ),
});

const check = obj({
  id: str,
  description: str,
  status: { type: 'string', enum: ['pass', 'fail', 'insufficient', 'error'] },
  required: bool,
  value: nnum,
  threshold: nnum,
  message: str,
});

/** `GateReport`: one history row with the checks behind its decision. */
export const reportSchema = (nullable = false) =>
  obj(
    {
      id: int,
      modelPath: str,
      timestamp: str,
      asOf: nstr,
      action: str,
      approved: bool,
      recommendation: { type: 'string', enum: ['PROMOTE', 'REJECT'] },
      actor: nstr,
      notes: nstr,
      modelSha256: nstr,
      modelVersion: { ...nstr, description: 'the modelVersion its predictions carry; null: unknown (not named)' },
      checks: { type: 'array', items: check },
      promotedToProduction: bool,
    },
    nullable,
  );

export const historySchema = obj({ rows: { type: 'array', items: reportSchema() }, total: int });
export const verifySchema = obj({ ok: bool, rows: int, firstBadId: { type: 'integer', nullable: true }, reason: nstr });
export const productionSchema = obj(
  {
    historyId: int,
    action: str,
    modelPath: str,
    modelSha256: nstr,
    modelVersion: {
      ...nstr,
      description:
        'the modelVersion the live model’s predictions carry; null when the row that put it there named none (unknown)',
    },
    recordedAt: str,
    asOf: nstr,
    actor: nstr,
    decision: obj({ historyId: int, action: str, approved: bool, recordedAt: str, asOf: nstr }, true),
  },
  true,
);
export const promoteSchema = obj({
  promoted: bool,
  productionPath: str,
  backupPath: nstr,
  modelVersion: str,
  historyId: int,
});
export const rollbackSchema = obj({ restored: str, productionPath: str, modelVersion: nstr, historyId: int });

export const shadowSchema = obj({
  id: int,
  model: str,
  champion: str,
  modelPath: nstr,
  since: str,
  until: nstr,
  active: bool,
  startedAt: str,
  stoppedAt: nstr,
  actor: nstr,
  notes: nstr,
});
export const shadowsSchema = obj({ shadows: { type: 'array', items: shadowSchema } });
/** `ShadowComparison` (null when there is no shadow record): the paired-by-day figures and each day's accuracies. */
export const comparisonSchema = {
  type: 'object',
  nullable: true,
  required: ['shadow', 'championAccuracy', 'challengerAccuracy', 'byDay'],
  properties: {
    shadow: shadowSchema,
    championAccuracy: nnum,
    challengerAccuracy: nnum,
    daysChallengerBetter: int,
    daysChampionBetter: int,
    mismatched: int,
    unpaired: obj({ champion: int, challenger: int }),
    byDay: {
      type: 'array',
      items: obj({ day: str, rows: int, championAccuracy: { type: 'number' }, challengerAccuracy: { type: 'number' } }),
    },
  },
  additionalProperties: true,
} as const;
