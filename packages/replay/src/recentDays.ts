import { parseIsoDate } from '@vigil/core';

/**
 * The trading day (UTC date of `timestamp`) of each recent validation row, or null when any
 * row lacks a valid timestamp: the recent-window test can then only treat rows as independent.
 */
export function recentDays(predictions: readonly unknown[] | undefined): string[] | null {
  if (!predictions?.length) return null;
  const days: string[] = [];
  for (const p of predictions) {
    const iso = parseIsoDate((p as { timestamp?: unknown } | null)?.timestamp);
    if (iso === undefined) return null;
    days.push(iso.slice(0, 10));
  }
  return days;
}
