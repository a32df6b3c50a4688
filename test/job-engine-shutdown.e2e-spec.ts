import { JobEngine } from '../src/jobs/job-engine.service';
import { RERENDER_QUEUE } from '../src/publishing/queues';
import { bootApp } from './helpers';

describe('job engine shutdown (e2e)', () => {
  it('should refuse to start pg-boss again once the application has closed, so no supervision timer outlives it', async () => {
    const app = await bootApp();
    const engine = app.get(JobEngine);
    await app.close();
    // A dispatcher pass or a late request that sends a job after the application closed: starting a
    // new pg-boss here left its supervision timer running for the life of the process.
    await expect(engine.send(RERENDER_QUEUE, { probe: true })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});
