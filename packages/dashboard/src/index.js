import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Absolute path of the dashboard's static files (index.html, app.js, styles.css, js/). */
export const dashboardDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * Absolute path of uPlot's dist folder (uPlot.iife.min.js, uPlot.min.css). The dashboard
 * loads them from `vendor/uplot/`, so a server serves this folder at `<mount>/vendor/uplot/`.
 */
export const uplotDir = dirname(require.resolve('uplot'));

/**
 * The browser checks (see ./browserChecks.js), loaded on first call so that serving the
 * dashboard never loads playwright-core.
 * @param {import('./browserChecks.js').DashboardCheckOptions} options
 */
export async function runDashboardChecks(options) {
  const { runDashboardChecks: run } = await import('./browserChecks.js');
  return run(options);
}
