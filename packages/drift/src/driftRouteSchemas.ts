/**
 * OpenAPI schemas of the drift routes' answers (docs/api.md, Drift). They document the top-level
 * shape (nested detail objects stay open); the server serializes answers with JSON.stringify, so a
 * schema never reshapes one.
 */
const str = { type: 'string' } as const;
const nstr = { type: 'string', nullable: true } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const nnum = { type: 'number', nullable: true } as const;
const bool = { type: 'boolean' } as const;
const open = { type: 'object', additionalProperties: true } as const;
const nopen = { type: 'object', additionalProperties: true, nullable: true } as const;
const list = (items: unknown) => ({ type: 'array', items }) as const;
const obj = (properties: Record<string, unknown>, nullable = false) =>
  ({
    type: 'object',
    required: Object.keys(properties),
    properties,
    additionalProperties: true,
    ...(nullable ? { nullable: true } : {}),
  }) as const;

/** `GET /api/drift`. */
export const eventsSchema = obj({
  events: list(
    obj({ id: int, model: nstr, timestamp: str, type: str, statistic: nnum, detected: bool, details: nopen }),
  ),
  thresholds: obj({ feature: nnum, regime: num, prediction: num, cusum: nnum }),
});

/** `GET /api/drift/series` (`DriftSeriesDocument`). */
export const seriesSchema = obj({
  model: nstr,
  models: list(str),
  from: nstr,
  to: nstr,
  features: list(obj({ feature: str, points: list(open) })),
  regimes: list(open),
  predictions: list(open),
  episodes: list(open),
  thresholds: obj({ regime: num, prediction: num }),
});

/** `GET /api/drift/distribution` (`DriftDistributionDocument`, null when no window check matches). */
export const distributionSchema = obj(
  {
    model: str,
    feature: str,
    check: obj({ id: int, step: str, timestamp: str, statistic: num, threshold: nnum, drifted: bool }),
    window: obj({ firstStep: str, lastStep: str, steps: int, n: int, ecdf: list(list(num)) }),
    baseline: obj({
      n: int,
      ecdf: list(list(num)),
      version: str,
      recordedVersion: nstr,
      sameAsCheck: { type: 'boolean', nullable: true },
    }),
    ks: obj({ statistic: num, at: num, baselineCdf: num, windowCdf: num, pValue: num }),
    note: nstr,
    features: list(str),
  },
  true,
);
