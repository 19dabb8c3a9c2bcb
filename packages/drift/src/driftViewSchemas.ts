// Response schemas of the drift view's routes (OpenAPI; fastify serialises with them, so every field is listed).
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const shares = { type: 'object', additionalProperties: num } as const;
/** One feature's window check: its KS D, the threshold it was judged against, and the verdict. */
const featureCheck = {
  type: 'object',
  properties: {
    id: num,
    step: str,
    timestamp: str,
    statistic: num,
    threshold: numOrNull,
    drifted: { type: 'boolean' },
    status: str,
  },
} as const;
const ecdf = { type: 'array', items: { type: 'array', items: num } } as const;

export const seriesResponse = {
  type: 'object',
  properties: {
    model: strOrNull,
    models: { type: 'array', items: str },
    from: strOrNull,
    to: strOrNull,
    features: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          feature: str,
          points: {
            type: 'array',
            items: featureCheck,
          },
        },
      },
    },
    regimes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: num,
          step: str,
          timestamp: str,
          mix: shares,
          baseline: shares,
          statistic: numOrNull,
          detected: { type: 'boolean' },
        },
      },
    },
    predictions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: num,
          step: str,
          timestamp: str,
          statistic: numOrNull,
          detected: { type: 'boolean' },
          confidenceChange: numOrNull,
          classDistance: numOrNull,
          classThreshold: numOrNull,
          confidenceD: numOrNull,
          confidenceThreshold: numOrNull,
        },
      },
    },
    episodes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: num,
          onset: str,
          end: strOrNull,
          status: str,
          peak: numOrNull,
          peakStep: strOrNull,
          steps: numOrNull,
          statistics: { type: 'array', items: str },
          retrainingRequested: { type: 'boolean', description: "false for a shadow's or a retired model's episode" },
          standing: { ...str, description: "the model's standing at the onset: live, shadow, retired or unknown" },
        },
      },
    },
    insufficient: {
      type: 'array',
      items: { type: 'object', properties: { step: str, timestamp: str, reason: str } },
    },
    thresholds: { type: 'object', properties: { regime: num, prediction: num } },
  },
} as const;

export const distributionResponse = {
  type: ['object', 'null'],
  properties: {
    model: str,
    feature: str,
    check: featureCheck,
    window: {
      type: 'object',
      properties: { firstStep: str, lastStep: str, steps: num, n: num, ecdf },
    },
    baseline: { type: 'object', properties: { n: num, ecdf } },
    ks: {
      type: 'object',
      properties: { statistic: num, at: num, baselineCdf: num, windowCdf: num, pValue: num },
    },
    features: { type: 'array', items: str },
  },
} as const;
