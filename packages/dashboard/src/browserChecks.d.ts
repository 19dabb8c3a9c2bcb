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
  sectors: {
    rows: number;
    weakest: string[];
    drilledInto: string | null;
    symbols: number;
    /** The model shown (the live one, else the newest observed prediction's). */
    model: string | null;
    /** The accuracy chart: groups and points drawn. */
    rolling: { series: number; points: number };
  };
  /** The drift view: the model charted, its episodes and features, the checks charted for the feature shown, the KS D of its distributions. */
  drift: { model: string | null; episodes: number; features: number; points: number; ksD: number | null };
  /** The shared filters exercised on the drift view (null when the data has one model or too few checks). */
  filters: { model: string | null; from: string | null };
  replay: {
    model: string | null;
    total: number;
    topErrors: number;
    /** The desktop pass's filters: the floor and sector (or symbol) picked, rows shown, rows in the downloaded CSV. */
    filtered: { floor: number; sector: string | null; symbol: string | null; rows: number; csvRows: number } | null;
  };
  gate: {
    /** The model whose latest decision the view shows by default: the live one (null: every model, none live). */
    latestModel: string | null;
    /** That model's latest decision (GET /api/gate/latest?model=), as shown. */
    latestId: number | null;
    recommendation: string | null;
    checks: Record<string, 'pass' | 'fail' | 'insufficient' | 'error'>;
    chainOk: boolean;
    historyTotal: number;
    /** The history row that put the model in production now (GET /api/gate/production), or null. */
    production: number | null;
    /** The champion vs challenger panel's shadow (GET /api/gate/shadows/compare), or null. */
    challenger: { model: string; days: number } | null;
    /** The refusal text the page showed for the override submitted without a token. */
    overrideRefusal: string;
    /** The id of the override report recorded with the token. */
    overrideReportId: number;
    /** The latest decision shown after the override: the live model's then (the overridden one, on a real gate). */
    latestAfterOverride: number | null;
    /**
     * The history filtered by the newest row's model and data day (the table equals the filtered API) and that
     * model's latest decision; `every`: the same with "all models" (model=*). null without history.
     */
    filtered: {
      model: string;
      from: string;
      to: string;
      total: number;
      latestId: number | null;
      checks: Record<string, 'pass' | 'fail' | 'insufficient' | 'error'>;
      every: { latestId: number | null; total: number };
    } | null;
  };
  /**
   * What the layout checks saw per screen (desktop 1440x900, phone 390x844) and view: the tables
   * that scroll sideways inside their card (none on a desktop, or the checks throw).
   */
  layout: Record<'desktop' | 'phone', Partial<Record<string, { scrollingTables: string[] }>>>;
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
