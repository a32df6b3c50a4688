import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { DomainError } from '../common/errors';
import { contentConfig, type ContentConfig } from '../config/configuration';
import type { StoredRendition } from '../media/media.entity';
import { MEDIA_STORE, type MediaStore } from '../media/media-store';
import { originalFileName, renditionFileName } from '../media/media-urls';
import { matchesIfNoneMatch } from './content-cache';
import { ContentDb } from './content-db';
import { visibleMediaSql } from './content-visibility';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const YEAR = 31_536_000;

interface MediaRow {
  renditions: StoredRendition[];
  storage_key: string;
  mime_type: string;
  sha256: string;
  stories: string[];
  released: boolean;
}

/** 404 that no cache keeps: the same URL answers 200 once a story showing the picture is published. */
const gone = () =>
  new DomainError('NOT_FOUND', 'Picture not found', undefined, { 'cache-control': 'private, no-store' });

/**
 * Public picture delivery: a rendition (or, with MEDIA_PUBLIC_ORIGINALS, the original) of a picture that at
 * least one story visible to this reader shows, streamed from the media store. URLs name the bytes' hash,
 * so a success is immutable; anything else is a 404 that is never cached.
 */
@Injectable()
export class ContentMediaService {
  constructor(
    private readonly db: ContentDb,
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    @Inject(contentConfig.KEY) private readonly config: ContentConfig,
  ) {}

  async file(
    access: ContentAccess,
    id: string,
    file: string,
    ifNoneMatch: string | undefined,
  ): Promise<Response> {
    if (!UUID.test(id)) throw gone();
    const [row] = await this.db.rows<MediaRow>(visibleMediaSql(access), [id]);
    if (!row || row.stories.length === 0) throw gone();
    const wanted = this.resolve(row, file);
    if (!wanted) throw gone();
    const etag = `"${wanted.hash}"`;
    // Shared caches keep only what anonymous readers may see; a picture only an embargoed story shows stays private.
    const cacheControl =
      row.released && this.config.publicAccess
        ? `public, max-age=${YEAR}, immutable`
        : row.released
          ? `private, max-age=${YEAR}, immutable`
          : 'private, no-store';
    const headers: Record<string, string> = {
      etag,
      'cache-control': cacheControl,
      vary: 'X-Api-Key',
      'x-content-type-options': 'nosniff',
    };
    if (row.released) {
      headers['surrogate-key'] = [`media:${id}`, ...row.stories.map((s) => `article:${s}`)].join(' ');
    }
    if (matchesIfNoneMatch(ifNoneMatch, etag)) return new Response(null, { status: 304, headers });
    const stored = await this.store.get(wanted.key);
    if (!stored) throw gone();
    headers['content-type'] = wanted.contentType;
    headers['content-length'] = String(stored.size);
    return new Response(Readable.toWeb(stored.body) as ReadableStream, { status: 200, headers });
  }

  /** The stored object a file name stands for: a current rendition, or the original when that is public. */
  private resolve(
    row: MediaRow,
    file: string,
  ): { key: string; hash: string; contentType: string } | undefined {
    const rendition = row.renditions.find((r) => renditionFileName(r) === file);
    if (rendition) {
      return { key: rendition.key, hash: rendition.hash, contentType: `image/${rendition.format}` };
    }
    if (
      this.config.mediaPublicOriginals &&
      file === originalFileName({ sha256: row.sha256, mimeType: row.mime_type })
    ) {
      return { key: row.storage_key, hash: row.sha256, contentType: row.mime_type };
    }
    return undefined;
  }
}
