import { defineToken } from '@vigil/core';
import type { SectorMap } from './SectorMap.js';
import type { SectorTracker } from './SectorTracker.js';
import type { StressHistory } from './StressHistory.js';

/** The tracker (bound once the host has started: it needs the transactor). */
export const sectorTrackerToken = defineToken<SectorTracker>('sectors.tracker');
/** Symbol -> sector, with the configured overrides and unknown-symbol policy. */
export const sectorMapToken = defineToken<SectorMap>('sectors.map');
/** The stress episodes in the prediction log (resolved crash-regime predictions), for judging a candidate on them. */
export const stressHistoryToken = defineToken<StressHistory>('sectors.stressHistory');
