import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors';

/** The content types of an NDJSON upload. */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

/**
 * Hands an NDJSON request's body over unread, as the request stream, so an upload of any size is streamed
 * (the route sets its own limit) instead of parsed into memory under the server's body limit.
 */
export function registerNdjsonStreaming(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(NDJSON_TYPES, (_request, payload, done) => done(null, payload));
}

/** The raw body stream of an NDJSON (UTF-8) request; 415 for any other content type. */
export const NdjsonBody = createParamDecorator((_: unknown, ctx: ExecutionContext): AsyncIterable<Buffer> => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const header = req.headers['content-type'] ?? '';
  const [mime, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (!NDJSON_TYPES.includes(mime)) {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the archive as Content-Type: application/x-ndjson (got ${header ? `"${header}"` : 'no content type'})`,
      { header: 'Content-Type' },
    );
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && !['utf-8', 'utf8', '"utf-8"'].includes(charset)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the archive as UTF-8 (got charset=${charset})`, {
      header: 'Content-Type',
    });
  }
  return req.body as AsyncIterable<Buffer>;
});
