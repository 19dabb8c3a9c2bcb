// OpenAPI / fastify schemas of the replay routes. Objects keep additional properties, so a field
// added to a document is never stripped by the serializer.
const open = (properties: Record<string, unknown>, required: readonly string[] = []) =>
  ({ type: 'object', properties, required, additionalProperties: true }) as const;
const num = { type: 'number' } as const;
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const models = { type: 'array', items: str, description: 'every model with buffered errors' } as const;
const counts = { type: 'object', additionalProperties: num } as const;

/** One buffered error in the shared vocabulary, plus the buffer's row id. */
const errorRow = open({
  id: { type: ['string', 'null'], description: "the caller's prediction id" },
  modelVersion: str,
  bufferId: { type: 'integer', description: 'the buffer row id (what replayPredictions name)' },
  symbol: str,
  timestamp: str,
  regime: nullableStr,
  actualLabel: num,
  predictedLabel: num,
  confidence: num,
  errorScore: num,
});

export const replayReportSchema = open(
  {
    model: { type: ['string', 'null'], description: 'the model the figures are for' },
    models,
    stats: open({
      total: num,
      maxSize: num,
      byRegime: counts,
      byLabel: counts,
      avgConfidence: { type: ['number', 'null'] },
      replayed: num,
      totalReplays: num,
      highConfidence: num,
      heldOutErrors: num,
    }),
    top: { type: 'array', items: errorRow },
  },
  ['model', 'models', 'stats', 'top'],
);

/** `format=json`; CSV and JSON Lines are text (`text/csv`, `application/x-ndjson`). */
export const exportSchema = open(
  {
    model: { type: ['string', 'null'] },
    featureNames: { type: 'array', items: str },
    rows: { type: 'array', items: errorRow },
  },
  ['model', 'featureNames', 'rows'],
);

export const modelsSchema = open(
  { models, latest: { type: ['string', 'null'], description: 'the model of the newest buffered error' } },
  ['models', 'latest'],
);
