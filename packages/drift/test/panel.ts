import type { PredictionRecord } from '@vigil/core';
import { normalSampler, seededRandom } from '@vigil/test-utils';

export interface PanelSpec {
  readonly symbols: number;
  readonly days: number;
  readonly features?: number;
  readonly seed?: number;
  /** From this day on, `shift` is added to `shiftFeature` for every symbol. */
  readonly shiftDay?: number;
  readonly shiftFeature?: string;
  readonly shift?: number;
  readonly model?: string;
  /** Feature values are a per-symbol random walk (levels) instead of i.i.d. draws. */
  readonly walk?: boolean;
}

export const dayOf = (d: number): string => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);

/** A panel of predictions: every symbol once per trading day, i.i.d. N(0, 1) features, ordered by day then symbol. */
export function makePanel(p: PanelSpec): PredictionRecord[] {
  const rand = seededRandom(p.seed ?? 1);
  const z = normalSampler(rand);
  const nf = p.features ?? 3;
  const model = p.model ?? 'm1';
  const level = new Float64Array(p.symbols * nf).fill(100);
  const out: PredictionRecord[] = [];
  for (let d = 0; d < p.days; d++) {
    for (let s = 0; s < p.symbols; s++) {
      const features: Record<string, number> = {};
      for (let f = 0; f < nf; f++) {
        const name = `f${f}`;
        const shift =
          p.shiftDay !== undefined && d >= p.shiftDay && name === (p.shiftFeature ?? 'f0') ? (p.shift ?? 1) : 0;
        if (p.walk) {
          level[s * nf + f] = (level[s * nf + f] as number) + z() + shift;
          features[name] = level[s * nf + f] as number;
        } else features[name] = z() + shift;
      }
      out.push({
        id: `${model}-${dayOf(d)}-S${s}`,
        timestamp: `${dayOf(d)}T21:00:00.000Z`,
        symbol: `S${s}`,
        regime: 'normal',
        features,
        predictedLabel: rand() < 0.5 ? 0 : 1,
        confidence: 0.5 + rand() / 2,
        modelVersion: model,
      });
    }
  }
  return out;
}
