import path from 'node:path';
import type { Provider } from '@nestjs/common';
import { loadEnv } from '../config/env';
import { FileSystemMediaStore, MEDIA_STORE, type MediaStore, S3MediaStore } from './media-store';

/** The configured store: S3 when MEDIA_S3_BUCKET is set, else files under `<DATA_DIR>/media`. */
export function createMediaStore(): MediaStore {
  const env = loadEnv();
  if (env.media.s3) return new S3MediaStore(env.media.s3);
  return new FileSystemMediaStore(path.join(env.dataDir, 'media'));
}

export const mediaStoreProvider: Provider = { provide: MEDIA_STORE, useFactory: createMediaStore };
