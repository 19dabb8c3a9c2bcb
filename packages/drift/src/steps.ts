/**
 * The time step a prediction belongs to, from its ISO timestamp: the UTC calendar day
 * (`2020-03-16`, the default: one trading day) or, with `stepMinutes`, the start of its bar
 * (`2020-03-16T14:30:00.000Z` for 30-minute bars). Keys sort in time order as strings.
 */
export function stepOf(timestamp: string, stepMinutes: number | null): string {
  const ms = Date.parse(timestamp);
  if (stepMinutes === null) return new Date(ms).toISOString().slice(0, 10);
  const bar = stepMinutes * 60_000;
  return new Date(Math.floor(ms / bar) * bar).toISOString();
}
