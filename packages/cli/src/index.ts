export { runCli, vigilProgram, type CliOptions } from './main.js';
export { firstPartyPlugins, loadCliConfig, withHost, type GlobalOptions } from './context.js';
export { ingest, type IngestOptions, type IngestSummary, type Refusal } from './ingest.js';
export { EXIT, type CliIO } from './io.js';
