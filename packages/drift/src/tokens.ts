import { defineToken } from '@vigil/core';
import type { DriftEvents } from './DriftEvents.js';
import type { DriftHistory } from './DriftHistory.js';
import type { DriftMonitor } from './DriftMonitor.js';

/** The running monitor: baseline, rolling windows, latest check. */
export const driftMonitorToken = defineToken<DriftMonitor>('drift.monitor');
/** Subscribe here for retraining requests and check results. */
export const driftEventsToken = defineToken<DriftEvents>('drift.events');
/** Reads the recorded checks (drift_monitoring). */
export const driftHistoryToken = defineToken<DriftHistory>('drift.history');
