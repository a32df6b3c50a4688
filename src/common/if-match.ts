import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable, UseInterceptors, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { DomainError, badRequest } from './errors';

/**
 * Optimistic locking over HTTP, for every resource with a version counter (articles, pictures): the ETag is
 * the version, writes send it back as If-Match. The whole set lives here: the header parser, the parameter
 * decorator, the ETag interceptor and the OpenAPI decorators.
 */

/** The ETag of a version: a strong validator, `"<version>"`. */
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
    throw badRequest(`If-Match must name one version, such as "3" (got ${value})`, { header: 'If-Match' });
  }
  return Number(m[1] ?? m[2]);
}

/**
 * The version from If-Match. Required (428 PRECONDITION_REQUIRED when missing) unless `{ optional: true }`,
 * in which case undefined means "no precondition".
 */
export const IfMatchVersion = createParamDecorator(
  (options: { optional?: boolean } | undefined, ctx: ExecutionContext): number | undefined => {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const version = parseIfMatch(req.headers['if-match']);
    if (version === undefined && !options?.optional) {
      throw new DomainError(
        'PRECONDITION_REQUIRED',
        'Send If-Match with the version you edited (the ETag you read it with), e.g. If-Match: "3"',
        { header: 'If-Match' },
      );
    }
    return version;
  },
);

/** Sets `ETag: "<version>"` from the `version` of the response body. */
@Injectable()
export class VersionEtagInterceptor implements NestInterceptor {
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
    description: 'The version, e.g. "4": send it back as If-Match',
    schema: { type: 'string' },
  },
};

export const IF_MATCH_DESCRIPTION =
  'The version being edited, as the ETag gave it: "3" (W/"3" and 3 are accepted too). Missing → 428; stale → 412.';

/** OpenAPI: the route requires If-Match (read it with `@IfMatchVersion()`). */
export const RequiresIfMatch = () =>
  ApiHeader({ name: 'If-Match', required: true, description: IF_MATCH_DESCRIPTION });

/** The route answers one versioned resource: sets its ETag, and documents the response with the header. */
export const VersionedResponse = (status: number, type: new (...args: never[]) => unknown) =>
  applyDecorators(
    UseInterceptors(VersionEtagInterceptor),
    ApiResponse({ status, type, headers: ETAG_RESPONSE_HEADER }),
  );
