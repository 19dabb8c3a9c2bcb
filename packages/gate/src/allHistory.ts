import type { ModelPromotionGate } from './ModelPromotionGate.js';
import type { HistoryEntry } from './report.js';

/**
 * Every gate history row, newest first, read in pages of 1000. The history is small (one row per
 * promotion attempt, a few a day at most), so the report and the filtered history route read it all.
 */
export async function allHistory(gate: ModelPromotionGate): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await gate.getHistory({ limit: 1000, offset });
    entries.push(...page.entries);
    if (entries.length >= page.total || page.entries.length === 0) break;
  }
  return entries;
}
