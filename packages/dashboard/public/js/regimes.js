// Market regimes in a stable display order: the usual ones first, any others alphabetically.
const PREFERRED = ['normal', 'low_volatility', 'high_volatility', 'volatile', 'bear', 'crash'];

export function orderRegimes(names) {
  const set = [...new Set(names)];
  const known = PREFERRED.filter((r) => set.includes(r));
  const rest = set.filter((r) => !PREFERRED.includes(r)).sort();
  return [...known, ...rest];
}

/** "high_volatility" → "High volatility". */
export function regimeLabel(r) {
  const s = String(r).replace(/[_-]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
