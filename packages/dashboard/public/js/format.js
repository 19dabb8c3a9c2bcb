// Number and date formatting shared by every view. Fixed locale so the page reads the same on
// every machine (and so a test can compute the text it expects).

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** What a missing figure shows as. */
export const DASH = '—';

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** A ratio in [0, 1] as a percentage with one decimal: 0.5818 → "58.2%". */
export function pct(v) {
  return isNum(v) ? `${(v * 100).toFixed(1)}%` : DASH;
}

/** A signed ratio as a percentage: 0.021 → "+2.1%", -0.004 → "-0.4%". */
export function signedPct(v) {
  if (!isNum(v)) return DASH;
  const s = (v * 100).toFixed(1);
  return v > 0 && s !== '0.0' ? `+${s}%` : `${s}%`;
}

/** A count with thousands separators: 12345 → "12,345". */
export function count(n) {
  return isNum(n) ? countFormat.format(n) : DASH;
}

/** A plain statistic with fixed decimals: 0.41234 → "0.412". */
export function num(v, digits = 3) {
  return isNum(v) ? v.toFixed(digits) : DASH;
}

/** A Wilson interval [low, high] as "55.2–61.1%". */
export function interval(ci) {
  if (!Array.isArray(ci) || ci.length !== 2 || !isNum(ci[0]) || !isNum(ci[1])) return DASH;
  return `${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%`;
}

/** An ISO timestamp as "2015-08-24 14:30 UTC" (date only when the time is midnight). */
export function dateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso == null ? DASH : String(iso);
  const s = d.toISOString();
  const time = s.slice(11, 16);
  return time === '00:00' ? s.slice(0, 10) : `${s.slice(0, 10)} ${time} UTC`;
}

/**
 * A gate check's value or threshold, in the unit its criterion uses: accuracies as
 * percentages, the replay improvement as a signed percentage, drift scores and unknown
 * (third-party) criteria as plain statistics.
 */
export function checkFigure(checkId, v) {
  if (!isNum(v)) return DASH;
  if (/accuracy$/.test(checkId)) return pct(v);
  // a difference in accuracy: the replay improvement, champion vs challenger
  if (/(improvement|_vs_champion)$/.test(checkId)) return signedPct(v);
  return num(v, Math.abs(v) >= 100 ? 1 : 3);
}

/** First characters of a hash, for display. */
export function shortHash(h, n = 12) {
  return typeof h === 'string' && h.length > n ? `${h.slice(0, n)}…` : (h ?? DASH);
}
