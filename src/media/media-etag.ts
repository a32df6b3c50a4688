import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { DomainError, badRequest } from '../common/errors';

// As for articles: "3", 3 and W/"3" all name version 3.
const IF_MATCH = /^(?:W\/)?(?:"(\d{1,9})"|(\d{1,9}))$/;

/** The picture version If-Match names: 428 when absent, 400 when it names no version. */
export const MediaIfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): number => {
  const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  const value = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim();
  if (value === '') {
    throw new DomainError(
      'PRECONDITION_REQUIRED',
      'Send If-Match with the version you edited (the ETag of GET /api/v1/media/:id), e.g. If-Match: "3"',
      { header: 'If-Match' },
    );
  }
  const m = IF_MATCH.exec(value);
  if (!m) {
    throw badRequest(`If-Match must name one picture version, such as "3" (got ${value})`, {
      header: 'If-Match',
    });
  }
  return Number(m[1] ?? m[2]);
});

/** Sets `ETag: "<version>"` from the picture in the response body. */
@Injectable()
export class MediaEtagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      tap((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number') void reply.header('etag', `"${version}"`);
      }),
    );
  }
}

export const MEDIA_ETAG_HEADER = {
  ETag: {
    description: 'The picture version, e.g. "2": send it back as If-Match',
    schema: { type: 'string' },
  },
};
