export { startDevServer, DevServerError, type DevServer, type DevServerOptions } from './dev-server';
export { ensureTemporalCli, locateTemporalCli, TemporalCliNotFoundError } from './cli';
export { connectClient, connectWorker, tlsOptions, type TemporalConnectionConfig } from './connection';
export { ensureSearchAttributes, hasSearchAttributes, REQUIRED_SEARCH_ATTRIBUTES } from './search-attributes';
export { findFreePort } from './ports';
