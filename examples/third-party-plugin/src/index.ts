export { acmeOptionsSchema, acmePlugin, maxTurnover, turnoverToken, type AcmeOptions } from './plugin.js';
export { TurnoverTracker } from './TurnoverTracker.js';
export { AcmeTurnover1800000000000 } from './AcmeTurnover1800000000000.js';
