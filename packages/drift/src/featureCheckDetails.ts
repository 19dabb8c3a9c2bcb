/** A feature check's `drift_monitoring.details_json`, as the monitor writes it and the view routes read it back. */
export interface FeatureCheckDetails {
  readonly window_steps?: number;
  readonly baseline_version?: string;
  /** 'insufficient' (no verdict), 'tested' or 'untestable'. */
  readonly status?: string;
  readonly reason?: string;
  readonly features?: readonly {
    readonly feature: string;
    readonly statistic: number;
    readonly threshold?: number | null;
    readonly drifted?: boolean;
    readonly status?: string;
  }[];
}
