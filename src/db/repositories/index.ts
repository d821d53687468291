// Typed repositories over the Kysely database. Every function takes the Db (or a transaction) first.
export * from './sessions';
export * from './session-list';
export * from './files';
export * from './face-similarity';
export * from './inference-runs';
export * from './tenants';
export * from './operators';
export * from './reviews';
export * from './webhook-deliveries';
export * from './transaction';
