import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../src/app.module';
import { configureApp, createAdapter } from '../src/app.setup';
import { PinoNestLogger, createRootLogger } from '../src/common/logger';
import {
  SEARCH_BOUNDS,
  SEARCH_SCAN_BUDGET,
  SEARCH_WINDOW,
  type SearchBounds,
} from '../src/content-api/search-bounds';
import { loadEnv } from '../src/config/env';
import { JobEngine } from '../src/jobs/job-engine.service';
import { UsersService } from '../src/users/users.service';

/** Search bounds a test may change between requests, to exercise both ways a tier's matches are found. */
export class TestSearchBounds implements SearchBounds {
  window = SEARCH_WINDOW;
  scanBudget = SEARCH_SCAN_BUDGET;

  reset(): void {
    this.window = SEARCH_WINDOW;
    this.scanBudget = SEARCH_SCAN_BUDGET;
  }
}

/** The app as createApp builds it, with the Content API's search bounds supplied by the test. */
export async function bootAppWithSearchBounds(bounds: SearchBounds): Promise<NestFastifyApplication> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('test/global-setup.ts did not set DATABASE_URL');
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot({ databaseUrl: url })] })
    .overrideProvider(SEARCH_BOUNDS)
    .useValue(bounds)
    .compile();
  const root = createRootLogger(loadEnv().logLevel);
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(root), {
    logger: new PinoNestLogger(root),
  });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.get(UsersService).bootstrapAdmin();
  await app.get(JobEngine).startWorkers();
  return app;
}
