import type { KsMethod } from './ks.js';

/**
 * The KS p-value method a monitor's repeated checks use: scipy's 'auto' while the exact
 * distribution is cheap (n1 * n2 <= 1e4), else the asymptotic one, which at those sizes agrees
 * with the exact p-value to about 1e-3 (the exact one costs O(n1 * n2) per check).
 */
export const monitorKsMethod = (n1: number, n2: number): KsMethod => (n1 * n2 <= 1e4 ? 'auto' : 'asymp');
