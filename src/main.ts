import 'reflect-metadata';
import { createApp } from './app.setup';
import { ConfigError, loadDotEnvFile, loadEnv } from './config/env';
import { startEmbedded, stopEmbedded } from './database/embedded';

async function main(): Promise<void> {
  loadDotEnvFile();
  let env;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const databaseUrl =
    env.databaseUrl ??
    (await startEmbedded({ dataDir: env.dataDir, engine: env.embeddedDb, log: (m) => console.warn(m) }));
  const app = await createApp(databaseUrl);
  await app.listen({ port: env.port, host: env.host });

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      // Finishes in-flight requests, closes the pool, then stops the embedded database.
      void (async () => {
        try {
          await app.close();
          await stopEmbedded();
          process.exit(0);
        } catch (e) {
          console.error(e);
          process.exit(1);
        }
      })();
    });
  }
}

void main().catch(async (e: unknown) => {
  console.error(e);
  await stopEmbedded().catch(() => undefined);
  process.exit(1);
});
