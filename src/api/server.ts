// `npm run api`: the HTTP API alone, against a shared Postgres and Temporal where `npm run worker` and
// `npm run face-worker` run the workflows and inference. `npm start` (src/main.ts) runs everything in one process.
import { loadConfig, type Config } from '../config';
import { createRuntime } from '../runtime';
import { bootstrapAuth } from '../auth/bootstrap';
import { buildApp } from './app';
import { taskQueuePollerReadiness } from './readiness';

function assertSharedInfrastructure(config: Config): void {
  const missing = [
    config.temporalEmbedded ? 'TEMPORAL_ADDRESS' : undefined,
    config.databaseEmbedded ? 'DATABASE_URL' : undefined,
  ].filter((v) => v !== undefined);
  if (missing.length === 0) return;
  throw new Error(
    `npm run api shares Temporal and Postgres with separate worker processes: set ${missing.join(' and ')}, ` +
      'or run the embedded stack in one process with npm start',
  );
}

export async function main(): Promise<void> {
  const config = loadConfig();
  assertSharedInfrastructure(config);
  const runtime = await createRuntime(config, { startDevServer: false });
  const auth = await bootstrapAuth(runtime.db, config);
  const app = await buildApp({
    runtime,
    auth,
    readiness: taskQueuePollerReadiness(runtime.temporal, {
      main: config.KYC_MAIN_TASK_QUEUE,
      faceMatch: config.KYC_FACE_TASK_QUEUE,
    }),
    logger: { level: config.LOG_LEVEL },
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    app
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  const address = await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(
    `API listening on ${address} (public URL ${config.publicUrl}, docs at ${config.publicUrl}/docs)`,
  );
  if (auth.apiKey.source === 'generated') app.log.info(`generated API key: ${auth.apiKey.value}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
