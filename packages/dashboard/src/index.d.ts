/** Absolute path of the dashboard's static files (index.html, app.js, styles.css, js/); ends with a separator. */
export declare const dashboardDir: string;
/** Absolute path of uPlot's dist folder; serve it at `<mount>/vendor/uplot/`. */
export declare const uplotDir: string;
export type { DashboardCheckOptions, DashboardCheckSummary } from './browserChecks.js';
/** Same as `runDashboardChecks` from `@vigil/dashboard/browserChecks`, loaded lazily (playwright-core is only needed when called). */
export declare function runDashboardChecks(
  options: import('./browserChecks.js').DashboardCheckOptions,
): Promise<import('./browserChecks.js').DashboardCheckSummary>;
