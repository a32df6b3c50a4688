import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, map } from 'rxjs';
import { PUBLIC_ACCESS } from '../api-keys/content-access.guard';
import { type ContentBody, ContentResponder, type SentBody } from './content-cache';

/**
 * Every Content API handler returns a ContentBody (or a SentBody from the read cache); this turns it
 * into the response, so no handler touches the reply: ETag and 304, Cache-Control, Surrogate-Key, Vary,
 * the content type of JSON, ninjs, feeds and sitemaps, and the status of redirects and 410s.
 */
@Injectable()
export class ContentResponseInterceptor implements NestInterceptor<
  ContentBody | SentBody,
  Buffer | Response
> {
  constructor(private readonly responder: ContentResponder) {}

  intercept(ctx: ExecutionContext, next: CallHandler<ContentBody | SentBody>): Observable<Buffer | Response> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next
      .handle()
      .pipe(map((body) => this.responder.prepare(req, reply, req.contentAccess ?? PUBLIC_ACCESS, body)));
  }
}
