import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors';

/**
 * The raw request body of a `text/plain` (UTF-8) request; 415 for any other content type. Fastify's
 * built-in text/plain parser already hands over the string, under the server's body-size limit.
 */
export const PlainTextBody = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const header = req.headers['content-type'] ?? '';
  const [mime, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mime !== 'text/plain') {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the item as Content-Type: text/plain (got ${header ? `"${header}"` : 'no content type'})`,
      { header: 'Content-Type' },
    );
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && !['utf-8', 'utf8', '"utf-8"', 'us-ascii'].includes(charset)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the text as UTF-8 (got charset=${charset})`, {
      header: 'Content-Type',
    });
  }
  return typeof req.body === 'string' ? req.body : '';
});
