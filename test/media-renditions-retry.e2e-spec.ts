import fs from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { JobEngine } from '../src/jobs/job-engine.service';
import { RENDITIONS_QUEUE, type RenditionsJob } from '../src/media/media.constants';
import { MEDIA_STORE, type MediaStore } from '../src/media/media-store';
import type { MediaResponse } from '../src/media/media.response';
import { type Client, bootApp, staff, waitFor } from './helpers';
import { noise, privateMediaDirs, uploadPicture } from './media.helpers';

// This file's own media store, so that it can make the store fail without touching anyone else's files.
const dirs = privateMediaDirs();

jest.setTimeout(240_000);

interface JobRow {
  id: string;
  state: string;
  retry_count: number;
  retry_limit: number;
}

describe('picture renditions: retries on the job engine (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let writer: Client;
  // The file-system store writes every file under `.tmp/` first: a plain file in its place makes every write
  // fail (as a full or unreachable store would) while reads still work.
  const tmp = path.join(dirs.dataDir, 'media', '.tmp');
  const breakStore = () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.writeFileSync(tmp, 'not a directory');
  };
  const mendStore = () => fs.rmSync(tmp, { force: true });

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    writer = await staff(app, 'writer');
  });
  afterAll(async () => {
    mendStore();
    await app?.close();
  });

  const media = (id: string) => writer.get(`/api/v1/media/${id}`).then((r) => r.json<MediaResponse>());
  const settled = (id: string, status: 'ready' | 'failed', ms = 150_000) =>
    waitFor(
      async () => {
        const m = await media(id);
        return m.renditionsStatus === status ? m : null;
      },
      ms,
      `renditions ${status}`,
    );
  const row = async (id: string) =>
    (
      await ds.query<{ renditions_version: number; storage_key: string }[]>(
        'SELECT renditions_version, storage_key FROM media WHERE id = $1',
        [id],
      )
    )[0];
  /** The renditions jobs of one picture version, oldest first. */
  const jobsOf = (id: string, version: number) =>
    ds.query<JobRow[]>(
      `SELECT id, state::text AS state, retry_count, retry_limit FROM pgboss.job
        WHERE name = $1 AND data->>'mediaId' = $2 AND (data->>'renditionsVersion')::int = $3
        ORDER BY created_on`,
      [RENDITIONS_QUEUE, id, version],
    );
  const upload = async (seed: number): Promise<MediaResponse> => {
    const res = await uploadPicture(writer, await noise(480, 320, seed).jpeg().toBuffer());
    expect(res.statusCode).toBe(201);
    return settled(res.json<MediaResponse>().id, 'ready');
  };
  const moveFocus = async (m: MediaResponse, focalX: number) => {
    const res = await writer.patch(`/api/v1/media/${m.id}`, { focalX }, { 'if-match': `"${m.version}"` });
    expect(res.statusCode).toBe(200);
    return res.json<MediaResponse>();
  };

  it('should retry a transient failure with backoff, keeping the picture pending, and succeed once the store is back', async () => {
    const m = await upload(0.11);
    breakStore();
    await moveFocus(m, 0.2);
    const { renditions_version: version } = await row(m.id);

    // The first attempt fails: the job waits for its retry, the picture is still pending, not failed.
    const [waiting] = await waitFor(
      async () => {
        const jobs = await jobsOf(m.id, version);
        return jobs[0]?.state === 'retry' ? jobs : null;
      },
      60_000,
      'the first attempt to fail',
    );
    expect(waiting).toMatchObject({ retry_count: 0, retry_limit: 3 });
    expect(await media(m.id)).toMatchObject({ renditionsStatus: 'pending', renditionsError: null });

    mendStore();
    const done = await settled(m.id, 'ready');
    expect(done.renditionsError).toBeNull();
    expect(done.renditions.length).toBeGreaterThan(0);
    // One job, retried once, then completed (pg-boss records that just after the handler returns).
    const jobs = await waitFor(
      async () => {
        const j = await jobsOf(m.id, version);
        return j[0]?.state === 'completed' ? j : null;
      },
      30_000,
      'the job to complete',
    );
    expect(jobs).toEqual([{ id: waiting.id, state: 'completed', retry_count: 1, retry_limit: 3 }]);
  });

  it('should mark the picture failed at once, without a retry, when its original cannot be decoded', async () => {
    const m = await upload(0.22);
    const { storage_key: key } = await row(m.id);
    const store = app.get<MediaStore>(MEDIA_STORE);
    // The stored original is damaged after the upload accepted it.
    await store.put(key, Buffer.from('these bytes are no picture at all'), 'image/jpeg');
    await moveFocus(m, 0.3);
    const { renditions_version: version } = await row(m.id);

    const failed = await settled(m.id, 'failed');
    expect(failed.renditionsError).toMatch(/cannot be decoded/);
    // The job ended on its first attempt: completed (its outcome is on the picture), never retried.
    const jobs = await waitFor(
      async () => {
        const j = await jobsOf(m.id, version);
        return j[0]?.state === 'completed' ? j : null;
      },
      30_000,
      'the job to complete',
    );
    expect(jobs).toEqual([expect.objectContaining({ state: 'completed', retry_count: 0 })]);
  });

  it('should mark the picture failed when the last attempt fails too, and leave the job failed', async () => {
    const m = await upload(0.33);
    const { renditions_version: version } = await row(m.id);
    breakStore();
    try {
      // A job of the current version with no retries left: its first attempt is its last.
      const data: RenditionsJob = { mediaId: m.id, renditionsVersion: version };
      const jobId = await app.get(JobEngine).send(RENDITIONS_QUEUE, data, { retryLimit: 0 });
      const failed = await settled(m.id, 'failed');
      expect(failed.renditionsError).toMatch(/ENOTDIR|EEXIST|not a directory|file already exists/i);
      const [job] = await waitFor(
        async () => {
          const j = (await jobsOf(m.id, version)).filter((x) => x.id === jobId);
          return j[0]?.state === 'failed' ? j : null;
        },
        30_000,
        'the job to fail',
      );
      expect(job).toMatchObject({ state: 'failed', retry_count: 0, retry_limit: 0 });
    } finally {
      mendStore();
    }
  });
});
