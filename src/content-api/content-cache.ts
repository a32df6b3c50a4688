import { hash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { contentConfig, type ContentConfig } from '../config/configuration';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const NINJS_TYPE = 'application/ninjs+json; charset=utf-8';

/** A finished Content API response: the body text as it goes on the wire, and what a CDN may purge it by. */
export interface ContentBody {
  body: string;
  contentType: string;
  /** Surrogate-Key names: `article:<id>`, `tag:<id>`, `author:<id>`, `articles`… */
  keys: string[];
  status?: number;
  /** Request headers the body depends on, besides the API key */
  vary?: string[];
  /** For a 301 */
  location?: string;
  /** The story versions the body holds (lists, feeds, single reads): a partner's delivery record notes them. */
  delivered?: { id: string; version: number }[];
  /** A strong ETag known without hashing the body (one per distinct body); else finish() hashes it. */
  etag?: string;
}

/** A body ready for the wire: its bytes and their ETag computed once (and kept by the read cache). */
export interface SentBody extends ContentBody {
  bytes: Buffer;
  etag: string;
  /**
   * x-content-cache: the in-process read cache answered (`hit`), or the answer was read for this request
   * (`miss`), or for a request with the same key that was being read when this one came (`shared`)
   */
  cache?: 'hit' | 'miss' | 'shared';
}

export function finish(content: ContentBody): SentBody {
  if ('bytes' in content) return content as SentBody;
  const bytes = Buffer.from(content.body, 'utf8');
  return { ...content, bytes, etag: content.etag ?? strongEtag(bytes) };
}

/** Strong ETag: a hash of the exact body bytes, so it changes whenever the body does. */
export function strongEtag(body: string | Buffer): string {
  return `"${hash('sha1', body, 'base64url')}"`;
}

/** RFC 9110 If-None-Match (weak comparison): `*` or a list of entity tags. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Adds names to a Vary header already set (CORS sets Origin). */
export function varyHeader(existing: unknown, add: string[]): string {
  const names =
    typeof existing === 'string' && existing !== '' ? existing.split(',').map((s) => s.trim()) : [];
  for (const n of add) if (!names.some((x) => x.toLowerCase() === n.toLowerCase())) names.push(n);
  return names.join(', ');
}

/** Whether a shared cache (a CDN purging by Surrogate-Key) may keep this reader's answers. */
const shareable = (access: ContentAccess): boolean => !access.embargoed && !access.partner;

/** Sends Content API bodies with the caching headers: ETag + 304, Cache-Control, Surrogate-Key, Vary. */
@Injectable()
export class ContentResponder {
  private readonly readerCacheControl: string;
  private readonly partnerCacheControl: string;

  constructor(@Inject(contentConfig.KEY) config: ContentConfig) {
    this.partnerCacheControl = `private, max-age=${config.cacheMaxAge}`;
    // With CONTENT_API_PUBLIC=false every answer belongs to one API key, and CDNs ignore
    // Vary: X-Api-Key: only the reader's own cache may keep it.
    this.readerCacheControl = config.publicAccess
      ? `public, max-age=${config.cacheMaxAge}, s-maxage=${config.cacheSMaxAge}, stale-while-revalidate=${config.cacheStaleWhileRevalidate}`
      : `private, max-age=${config.cacheMaxAge}`;
  }

  /**
   * Cache-Control for a reader: embargoed material never goes into a shared or browser cache, and a partner's
   * answers (narrowed to its subscription) only into its own.
   */
  cacheControl(access: ContentAccess): string {
    if (access.embargoed) return 'private, no-store';
    return access.partner ? this.partnerCacheControl : this.readerCacheControl;
  }

  /** The headers of a cacheable error (410 of a killed item). */
  errorHeaders(access: ContentAccess, keys: string[]): Record<string, string> {
    const headers: Record<string, string> = { 'cache-control': this.cacheControl(access) };
    if (shareable(access)) headers['surrogate-key'] = keys.join(' ');
    return headers;
  }

  /** The caching headers of a body: ETag, Cache-Control, Vary (added to `vary`, as CORS set it), Surrogate-Key… */
  headers(access: ContentAccess, content: SentBody, vary: unknown): Record<string, string> {
    const headers: Record<string, string> = {
      etag: content.etag,
      'cache-control': this.cacheControl(access),
      vary: varyHeader(vary, ['X-Api-Key', ...(content.vary ?? [])]),
    };
    if (shareable(access)) headers['surrogate-key'] = content.keys.join(' ');
    if (content.location) headers.location = content.location;
    if (content.cache) headers['x-content-cache'] = content.cache;
    return headers;
  }

  /**
   * Sets the caching headers of a body on the reply and gives what goes on the wire: the bytes of a 200
   * (sent with the route's own status), or a web Response for any other status (301, 304, 410), which
   * is how a handler's result chooses its status.
   */
  prepare(
    req: FastifyRequest,
    reply: FastifyReply,
    access: ContentAccess,
    body: ContentBody | SentBody,
  ): Buffer | Response {
    // Encoded once: hashed for the ETag and written to the socket as the same bytes.
    const content = finish(body);
    const { bytes, etag } = content;
    void reply.headers(this.headers(access, content, reply.getHeader('vary')));
    const status = content.status ?? 200;
    if (status === 200 && matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      return new Response(null, { status: 304 });
    }
    if (status !== 200) {
      return new Response(content.body, { status, headers: { 'content-type': content.contentType } });
    }
    void reply.header('content-type', content.contentType);
    return bytes;
  }
}
