import type { ErrorReplayBuffer, ModelChoice } from './ErrorReplayBuffer.js';
import type { TopError } from './bufferSql.js';

/** One model's buffer statistics and worst errors: `GET /api/replay` and `vigil replay stats` print the same document. */
export interface ReplayReport {
  /** The model the figures are for (null: nothing is buffered). */
  readonly model: string | null;
  /** Every model with buffered errors. */
  readonly models: readonly string[];
  readonly stats: {
    readonly total: number;
    readonly maxSize: number;
    readonly byRegime: Readonly<Record<string, number>>;
    readonly byLabel: Readonly<Record<string, number>>;
    readonly avgConfidence: number | null;
    /** Buffered errors replayed at least once. */
    readonly replayed: number;
    /** Draws over all buffered errors (one error drawn three times counts three). */
    readonly totalReplays: number;
    readonly highConfidence: number;
    /** Buffered errors held out of every training export (`holdoutFraction`), to judge candidates on. */
    readonly heldOutErrors: number;
  };
  readonly top: readonly TopError[];
}

export async function replayReport(
  buffer: ErrorReplayBuffer,
  top: number,
  choice: ModelChoice = {},
): Promise<ReplayReport> {
  const s = await buffer.getErrorStats(choice);
  const model = s.model ?? undefined;
  return {
    model: s.model,
    models: s.models,
    stats: {
      total: s.totalErrors,
      maxSize: s.maxSize,
      byRegime: s.byRegime,
      byLabel: s.byLabel,
      avgConfidence: s.avgConfidence,
      replayed: s.replayedErrors,
      totalReplays: s.totalReplays,
      highConfidence: s.highConfidenceErrors,
      heldOutErrors: s.heldOutErrors,
    },
    top: model === undefined ? [] : await buffer.topErrors(top, { model }),
  };
}
