import { Client } from 'pg';
import { stopEmbedded } from '../src/database/embedded';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TEST_ADMIN_DB_URL;
  const name = process.env.TEST_DB_NAME;
  if (adminUrl && name) {
    const admin = new Client({ connectionString: adminUrl.replace(/[?&]pglite=1/, '') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  await stopEmbedded();
}
