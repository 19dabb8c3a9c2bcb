export { bearerAuth, resolveApiToken, type TokenSources } from './auth.js';
export { buildServer, vigilRoutes, type ServerOptions } from './buildServer.js';
export { BATCH_CHUNK, MAX_BATCH } from './batchRoute.js';
export { buildReport } from './report/buildReport.js';
export { formatValue, renderReportHtml } from './report/renderReportHtml.js';
export { reportFormat } from './routes/reportRoute.js';
