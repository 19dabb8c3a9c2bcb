import { EventEmitter } from 'node:events';
import type { FeatureDriftResult } from './DriftDetector.js';

/** Raised when a check finds drift: the embedding service decides whether to retrain. */
export interface RetrainingRequest {
  /** Data time of the last observation in the window. */
  readonly timestamp: string;
  /** Which detectors fired: 'feature', 'regime', 'prediction', 'cusum'. */
  readonly reasons: readonly string[];
  readonly driftScore: number;
  readonly driftedFeatures: readonly string[];
  readonly regimeShift: string | undefined;
  readonly feature: FeatureDriftResult | undefined;
}

export interface DriftCheckEvent {
  readonly timestamp: string;
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
