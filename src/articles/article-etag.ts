import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { DomainError, badRequest } from '../common/errors';

/** The ETag of an article version: a strong validator, `"<version>"`. */
export const etagOf = (version: number): string => `"${version}"`;

// "3", 3 and W/"3" all name version 3 (weak or strong makes no difference for a version counter).
const IF_MATCH = /^(?:W\/)?(?:"(\d{1,9})"|(\d{1,9}))$/;

/** The version an If-Match header names; undefined when the header is absent. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '') return undefined;
  const m = IF_MATCH.exec(value);
  if (!m) {
    throw badRequest(`If-Match must name one article version, such as "3" (got ${value})`, {
      header: 'If-Match',
    });
  }
  return Number(m[1] ?? m[2]);
}

/**
 * The article version from If-Match. Required (428 PRECONDITION_REQUIRED when missing) unless
 * `{ optional: true }`, in which case undefined means "no precondition".
 */
export const IfMatchVersion = createParamDecorator(
  (options: { optional?: boolean } | undefined, ctx: ExecutionContext): number | undefined => {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const version = parseIfMatch(req.headers['if-match']);
    if (version === undefined && !options?.optional) {
      throw new DomainError(
        'PRECONDITION_REQUIRED',
        'Send If-Match with the version you edited (the ETag of GET /api/v1/articles/:id), e.g. If-Match: "3"',
        { header: 'If-Match' },
      );
    }
    return version;
  },
);

/** Sets `ETag: "<version>"` from the article in the response body. */
@Injectable()
export class ArticleEtagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      tap((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number') void reply.header('etag', etagOf(version));
      }),
    );
  }
}

/** OpenAPI description of the ETag response header. */
export const ETAG_RESPONSE_HEADER = {
  ETag: {
    description: 'The article version, e.g. "4": send it back as If-Match',
    schema: { type: 'string' },
  },
};

export const IF_MATCH_DESCRIPTION =
  'The version being edited, as the ETag gave it: "3" (W/"3" and 3 are accepted too). Missing → 428; stale → 412.';
