// Writes the app's OpenAPI document to desk/openapi.json without a database: Nest's preview mode
// builds the module graph and reads the controllers' metadata but instantiates no provider, so
// TypeORM never connects. Run after `nest build`: `node scripts/openapi.mjs`, then
// `npm run gen:api -w desk` turns it into desk/src/api/schema.d.ts.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { AppModule } = require(join(root, 'dist', 'app.module.js'));
const { createOpenApiDocument } = require(join(root, 'dist', 'app.setup.js'));

const app = await NestFactory.create(
  AppModule.forRoot({ databaseUrl: 'postgres://unused.invalid/none' }),
  new FastifyAdapter(),
  { preview: true, logger: false, abortOnError: false },
);
const document = createOpenApiDocument(app);
const out = join(root, 'desk', 'openapi.json');
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${out}: ${Object.keys(document.paths).length} paths`);
await app.close();
