export interface DashboardCheckOptions {
  /** Where the dashboard is served, e.g. `http://127.0.0.1:8080/` (the API is at `<baseUrl>api/…`). */
  baseUrl: string;
  /** The API bearer token (the override submitted with it must be accepted). */
  token: string;
  /** When given, a full-page PNG of each view is written here. */
  screenshotDir?: string;
}

export interface DashboardCheckSummary {
  baseUrl: string;
  sectors: { rows: number; weakest: string[]; drilledInto: string | null; symbols: number };
  drift: Record<'cusum' | 'feature' | 'regime' | 'prediction', { events: number; alerts: number }>;
  replay: { total: number; topErrors: number };
  gate: {
    latestId: number | null;
    recommendation: string | null;
    checks: Record<string, 'pass' | 'fail' | 'insufficient' | 'error'>;
    chainOk: boolean;
    historyTotal: number;
    /** The refusal text the page showed for the override submitted without a token. */
    overrideRefusal: string;
    /** The id of the override report recorded with the token. */
    overrideReportId: number;
  };
  /**
   * What the layout checks saw per screen (desktop 1440x900, phone 390x844) and view: the tables
   * that scroll sideways inside their card (none on a desktop, or the checks throw).
   */
  layout: Record<'desktop' | 'phone', Record<string, { scrollingTables: string[] }>>;
  /** Paths of the screenshots written (empty without screenshotDir); the phone's end in `-390.png`. */
  screenshots: string[];
}

/**
 * Loads every dashboard view in headless Chromium (playwright-core; the Chromium `findChromium`
 * finds: `CHROMIUM_PATH`, the system's, or the one `@sparticuz/chromium` ships) and checks each figure against the API; submits an override without
 * and then with the token. Throws an Error naming the view and figure at the first mismatch.
 * Writes one override report to the server's gate history.
 */
export declare function runDashboardChecks(options: DashboardCheckOptions): Promise<DashboardCheckSummary>;
