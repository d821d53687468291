// Everything a process of the stack shares: config, database (migrated), blob store, and a Temporal client —
// against TEMPORAL_ADDRESS, or the embedded dev server this process starts and stops.
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { Config } from './config';
import { migrateToLatest, openDatabase, type Db } from './db/database';
import type { BlobStore } from './storage/blob-store';
import { LocalBlobStore } from './storage/local-blob-store';
import { connectClient } from './temporal/connection';
import { ensureTemporalCli } from './temporal/cli';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { ensureSearchAttributes } from './temporal/search-attributes';

export interface Runtime {
  config: Config;
  db: Db;
  blobs: BlobStore;
  temporal: Client;
  connection: Connection;
  devServer: DevServer | null;
  /** The Temporal frontend address in use (the dev server's when embedded). */
  temporalAddress: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Defaults to config.temporalEmbedded; false makes a missing TEMPORAL_ADDRESS an error. */
  startDevServer?: boolean;
}

async function startEmbeddedTemporal(config: Config): Promise<DevServer> {
  return startDevServer({
    dbFile: path.join(config.dataDir, 'temporal.db'),
    cliPath: config.TEMPORAL_CLI_PATH,
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_DEV_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
  });
}

/** Closes what was opened so far, newest first, and keeps going past failures. */
async function closeAll(closers: Array<() => Promise<unknown>>): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (err) {
      console.error('error while closing', err);
    }
  }
}

export async function createRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const embedded = opts.startDevServer ?? config.temporalEmbedded;
  if (!embedded && config.TEMPORAL_ADDRESS === undefined) {
    throw new Error('TEMPORAL_ADDRESS is required here (the embedded dev server only runs with npm start)');
  }
  // Fail before touching the database when the embedded server cannot start anyway.
  if (embedded) ensureTemporalCli(config.TEMPORAL_CLI_PATH);
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const db = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.dataDir,
      poolSize: config.DATABASE_POOL_SIZE,
    });
    closers.push(() => db.destroy());
    await migrateToLatest(db);
    const blobs = new LocalBlobStore(path.join(config.dataDir, 'blobs'));

    const devServer = embedded ? await startEmbeddedTemporal(config) : null;
    if (devServer !== null) closers.push(() => devServer.stop());
    const temporalAddress = devServer?.address ?? (config.TEMPORAL_ADDRESS as string);
    const connection = await connectClient(config, temporalAddress);
    closers.push(() => connection.close());
    // The dev server registers them at start; an existing cluster may need them added once.
    if (devServer === null) await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

    return {
      config,
      db,
      blobs,
      temporal,
      connection,
      devServer,
      temporalAddress,
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}
