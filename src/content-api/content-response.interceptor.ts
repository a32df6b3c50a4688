import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, map } from 'rxjs';
import { type ContentAccess, PUBLIC_ACCESS } from '../api-keys/content-access.guard';
import { PullRecorder } from '../partners/pull-recorder.service';
import { type ContentBody, ContentResponder, type SentBody } from './content-cache';

/**
 * Every Content API handler returns a ContentBody (or a SentBody from the read cache); this turns it
 * into the response, so no handler touches the reply: ETag and 304, Cache-Control, Surrogate-Key, Vary,
 * the content type of JSON, ninjs, feeds and sitemaps, and the status of redirects and 410s. What a partner's
 * key was answered goes to its delivery record (noted in memory, written in the background).
 */
@Injectable()
export class ContentResponseInterceptor implements NestInterceptor<
  ContentBody | SentBody,
  Buffer | Response
> {
  constructor(
    private readonly responder: ContentResponder,
    private readonly pulls: PullRecorder,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler<ContentBody | SentBody>): Observable<Buffer | Response> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const access = req.contentAccess ?? PUBLIC_ACCESS;
    return next.handle().pipe(map((body) => this.send(req, reply, access, body)));
  }

  /** What goes on the wire for a handler's body (also used by the direct routes, content-direct-routes.ts). */
  send(
    req: FastifyRequest,
    reply: FastifyReply,
    access: ContentAccess,
    body: ContentBody | SentBody,
  ): Buffer | Response {
    if (access.partner && body.delivered && (body.status ?? 200) === 200) {
      this.pulls.note(access.partner.partnerId, access.keyId, body.delivered);
    }
    return this.responder.prepare(req, reply, access, body);
  }
}
