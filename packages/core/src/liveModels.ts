import type { EntityManager } from 'typeorm';
import { VigilError } from './errors.js';
import { defineToken } from './tokens.js';

/**
 * Which `modelVersion`s are live and which are shadows at one data time, as the plugin that
 * decides promotions (the gate) records them. Data time, not wall clock: a replay of history asks
 * about the data it is replaying, and promotions carry the data time they speak for (`asOf`).
 */
export interface LiveModelsAt {
  /** The data time asked about (ISO). */
  readonly asOf: string;
  /** Who answered: the registered source's owner (a plugin id), or 'none' (no source: every model is live). */
  readonly source: string;
  /**
   * The `modelVersion` in production at `asOf`; null when nothing was promoted by then, or the
   * promotion that put it there named no `modelVersion` (rows written before it was recorded).
   */
  readonly live: string | null;
  /** Challengers observed in shadow at `asOf` (their predictions are logged, never acted on). */
  readonly shadows: readonly string[];
}

/**
 * A model's standing at a data time:
 * - `live`: in production (or no source is registered, so every model counts as live);
 * - `shadow`: a challenger observed in shadow;
 * - `retired`: neither, while a live model is known (replaced, or a stopped shadow);
 * - `unknown`: the source cannot tell (nothing promoted yet, or a promotion without a `modelVersion`).
 */
export type ModelStanding = 'live' | 'shadow' | 'retired' | 'unknown';

/** What a plugin that knows which models are live registers (the gate). */
export interface LiveModelSource {
  /** Which model is live and which are shadows at data time `asOf`; `manager` reads inside the caller's transaction. */
  at(asOf: string, manager?: EntityManager): Promise<Omit<LiveModelsAt, 'asOf' | 'source'>>;
}

/** A model's standing in a `LiveModelsAt`. */
export function standingOf(models: LiveModelsAt, modelVersion: string): ModelStanding {
  if (models.source === 'none') return 'live';
  if (models.shadows.includes(modelVersion)) return 'shadow';
  if (models.live === null) return 'unknown';
  return models.live === modelVersion ? 'live' : 'retired';
}

/**
 * The host's one registry of "which model is live": a plugin that decides promotions registers
 * its source in `init` (at most one); consumers (drift, the dashboard's default model, the
 * report) ask it. With no source registered (no gate enabled), every model is live: drift raises
 * retraining requests for each model's episodes, as it would for models nobody promotes.
 */
export class LiveModels {
  #source: { readonly owner: string; readonly source: LiveModelSource } | undefined;

  /** Registers the source; a second one is a wiring error naming both owners. */
  register(owner: string, source: LiveModelSource): void {
    if (this.#source)
      throw new VigilError(
        'VIGIL_PLUGIN_WIRING',
        `plugin '${owner}': registers a live-model source, but plugin '${this.#source.owner}' already did; there is one`,
        { details: { plugin: owner } },
      );
    this.#source = { owner, source };
  }

  /** Whether a source is registered (a gate decides which model is live). */
  get known(): boolean {
    return this.#source !== undefined;
  }

  /** Which model is live and which are shadows at data time `asOf` (an ISO timestamp). */
  async at(asOf: string, manager?: EntityManager): Promise<LiveModelsAt> {
    if (!this.#source) return { asOf, source: 'none', live: null, shadows: [] };
    return { asOf, source: this.#source.owner, ...(await this.#source.source.at(asOf, manager)) };
  }

  /** A model's standing at data time `asOf` (see `ModelStanding`). */
  async standing(modelVersion: string, asOf: string, manager?: EntityManager): Promise<ModelStanding> {
    return standingOf(await this.at(asOf, manager), modelVersion);
  }
}

/** Bound by the host before any plugin's `init`: the gate registers its source, drift and the views ask. */
export const liveModelsToken = defineToken<LiveModels>('core.liveModels');
