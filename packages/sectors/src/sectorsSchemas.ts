// OpenAPI / fastify schemas of the sectors routes. Objects keep additional properties, so a
// field added to the report is never stripped by the serializer.
const open = (properties: Record<string, unknown>, required: readonly string[] = []) =>
  ({ type: 'object', properties, required, additionalProperties: true }) as const;
const num = { type: 'number' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const ci = {
  type: ['array', 'null'],
  items: num,
  description: 'Wilson 95% interval [low, high]; null with nothing resolved',
} as const;
const str = { type: 'string' } as const;
const models = { type: 'array', items: str, description: 'every model tracked' } as const;
const byRegime = {
  type: 'object',
  additionalProperties: open({ resolved: num, correct: num, accuracy: nullableNum, ci }),
};

export const modelQuery = {
  type: 'string',
  description: 'the model version whose figures to report; required (400 listing the models) when several are tracked',
} as const;

const symbolRow = open({
  symbol: str,
  sectors: { type: 'array', items: str },
  tracked: num,
  resolved: num,
  correct: num,
  pending: num,
  accuracy: nullableNum,
  ci,
  bestRegime: { type: ['string', 'null'] },
  byRegime,
});

export const sectorsReportSchema = open(
  {
    model: { type: ['string', 'null'], description: 'the model the figures are for' },
    models,
    sectors: {
      type: 'array',
      items: open({
        sector: str,
        tracked: num,
        resolved: num,
        correct: num,
        pending: num,
        accuracy: nullableNum,
        ci,
        byRegime,
      }),
    },
    weakest: {
      type: 'array',
      items: open({ sector: str, accuracy: num, ci, upper: num, resolved: num }),
    },
    insufficient: { type: 'array', items: str },
    minResolved: num,
    symbols: { type: 'array', items: symbolRow },
  },
  ['model', 'models', 'sectors', 'weakest', 'insufficient', 'minResolved'],
);

export const symbolsSchema = open(
  { sector: str, model: { type: ['string', 'null'] }, models, symbols: { type: 'array', items: symbolRow } },
  ['sector', 'model', 'models', 'symbols'],
);

export const modelsSchema = open(
  { models, latest: { type: ['string', 'null'], description: 'the model of the newest tracked prediction' } },
  ['models', 'latest'],
);
