import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** True for PGlite, whose version string names it (and its wasm build): `PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten…`. */
export const isPglite = (version: string): boolean => /\bPGlite\b|emscripten/i.test(version);

/**
 * Race tests call this first. PGlite (the embedded fallback) runs one transaction at a time, so two
 * requests never overlap there and a race test would pass without anything having raced: it fails instead.
 */
export async function requireConcurrentPostgres(app: INestApplication): Promise<void> {
  const [{ version }] = await app.get(DataSource).query<{ version: string }[]>('SELECT version() AS version');
  if (isPglite(version)) {
    throw new Error(
      `This race test needs a PostgreSQL server that runs transactions concurrently, and the database is PGlite ` +
        `(${version.split(' on ')[0]}), which serialises every transaction: nothing would race and the test would ` +
        'pass without proving anything. Run it with DATABASE_URL set to a real PostgreSQL.',
    );
  }
}
