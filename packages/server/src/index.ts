export { bearerAuth } from './auth.js';
export { buildServer, vigilRoutes, type ServerOptions } from './buildServer.js';
