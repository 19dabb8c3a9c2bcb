import { EventEmitter } from 'node:events';
import type { FeatureDriftResult } from './DriftDetector.js';

/** Raised once per drift episode, at its onset: the embedding service decides whether to retrain. */
export interface RetrainingRequest {
  /** Data time of the last prediction in the step the drift episode started on. */
  readonly timestamp: string;
  /** The model (`modelVersion`) whose predictions drifted. */
  readonly model: string;
  /** The step (trading day or bar start) the episode started on. */
  readonly step: string;
  /** Which detectors started the episode: 'feature', 'regime', 'prediction', 'cusum'. */
  readonly reasons: readonly string[];
  readonly driftScore: number;
  readonly driftedFeatures: readonly string[];
  readonly regimeShift: string | undefined;
  readonly feature: FeatureDriftResult | undefined;
}

export interface DriftCheckEvent {
  readonly timestamp: string;
  readonly model: string;
  readonly step: string;
  readonly driftDetected: boolean;
  readonly reasons: readonly string[];
  readonly driftScore: number;
}

interface EventMap {
  retrainingRequested: [RetrainingRequest];
  check: [DriftCheckEvent];
}

/** A small typed event emitter; events fire after the check's rows have committed. */
export class DriftEvents {
  readonly #e = new EventEmitter();
  on<K extends keyof EventMap>(event: K, listener: (...args: EventMap[K]) => void): () => void {
    this.#e.on(event, listener as (...args: unknown[]) => void);
    return () => this.#e.off(event, listener as (...args: unknown[]) => void);
  }
  emit<K extends keyof EventMap>(event: K, ...args: EventMap[K]): void {
    this.#e.emit(event, ...args);
  }
}
