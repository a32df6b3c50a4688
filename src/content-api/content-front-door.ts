import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Logger } from 'pino';
import type { ContentRateLimiter } from '../api-keys/content-rate-limiter.service';
import { PUBLIC_ACCESS } from '../api-keys/content-access.guard';
import type { ContentResponder, SentBody } from './content-cache';
import { acceptsNinjs, articleCacheKey } from './content-articles.service';
import type { ContentReadCache } from './content-read-cache.service';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What the front door answers with, known once the app is built (`ContentFrontDoor.open`). */
export interface FrontDoorParts {
  cache: ContentReadCache;
  /** An anonymous reader's single read, as the whole path reads it (`ContentArticlesService.get`). */
  read: (slug: string, accept: string | undefined) => Promise<SentBody>;
  limiter: ContentRateLimiter;
  responder: ContentResponder;
  /** CONTENT_API_PUBLIC: anonymous readers are served. */
  publicAccess: boolean;
  /** The Vary the request hooks set on every answer to a request without Origin (CORS: `Origin`). */
  vary: string;
  /** The headers the request hooks set on every such answer (helmet's security headers, CORS's exposed headers). */
  fixed: Record<string, string>;
  /** TRUST_PROXY: the proxies whose X-Forwarded-For names the client, as Fastify reads it. */
  trustProxy: string[] | false;
  log: Logger;
}

const PREFIX = '/api/v1/content/articles/';
/** Slug characters the front door decodes itself; anything else goes the whole way (the router decides). */
const PLAIN_SEGMENT = /^[\w\-.~%]{1,500}$/;
const UNSAFE_DECODED = /[/?#%]/;

/** The request id Fastify gives a request (`genReqId`): the client's X-Request-Id when sane, else a new UUID. */
const REQUEST_ID = /^[\w.:-]{1,100}$/;
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Answers anonymous single-article reads before the request reaches Fastify, with the same bytes and
 * headers the whole path sends (ETag, Cache-Control, Surrogate-Key, Vary, x-content-cache, the security
 * headers, X-Request-Id) and the same per-address rate limit. The router, the request hooks, Nest,
 * validation and the reply pipeline are skipped: a cached answer needs neither them nor the database,
 * which lets one instance serve cached articles at close to the speed of bare Node, and a miss is read
 * by the whole path's own service call (`read`: the read cache's miss, shared and store rules, the same
 * query and visibility).
 *
 * Everything else goes the whole way: a query string, an API key, an Origin (CORS answers),
 * If-None-Match, HEAD, a slug with unusual characters, a refused rate limit, any answer but a 200 (404,
 * 410, errors: the whole path reads it again and answers in the one error shape, without counting the
 * request against the address twice), and every request until `open` is called or after `close`.
 */
export class ContentFrontDoor {
  private parts: FrontDoorParts | undefined;
  /** Each cached answer's headers but the request id, as the flat list writeHead takes, built on its first hit. */
  private wire = new WeakMap<SentBody, string[]>();
  /** `fixed` as a flat list of names and values. */
  private fixedList: string[] = [];
  /** How many requests it answered (the rest went to Fastify). */
  answered = 0;
  private trust: ((addr: string, i: number) => boolean) | undefined;

  open(parts: FrontDoorParts): void {
    this.parts = parts;
    this.wire = new WeakMap();
    this.fixedList = Object.entries(parts.fixed).flat();
    this.trust = parts.trustProxy ? proxyAddr.compile(parts.trustProxy) : undefined;
  }

  close(): void {
    this.parts = undefined;
  }

  /** An HTTP server (as Fastify would create it) whose requests pass the front door first. */
  serverFactory(
    handler: NodeHandler,
    options: {
      http?: http.ServerOptions;
      keepAliveTimeout?: number;
      requestTimeout?: number;
      connectionTimeout?: number;
    },
  ): Server {
    const server = http.createServer(options.http ?? {}, (req, res) => this.serve(req, res, handler));
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    return server;
  }

  /** Answers the request (from the read cache, else by reading it), or hands it to `next` (Fastify). */
  serve(req: IncomingMessage, res: ServerResponse, next: NodeHandler): void {
    const slug = this.slugOf(req);
    if (slug === undefined) return next(req, res);
    const parts = this.parts!;
    const hit = this.hit(parts, req, slug);
    const started = parts.log.isLevelEnabled('info') ? process.hrtime.bigint() : undefined;
    const ip = this.trust ? proxyAddr(req, this.trust) : (req.socket.remoteAddress ?? '');
    parts.limiter
      .consumeIp(ip)
      .then(
        () =>
          hit
            ? this.sendHit(parts, req, res, hit, ip, started)
            : this.readAndSend(parts, req, res, slug, ip, started, next),
        // Over the limit (or the limiter failed): the whole path answers, in the one error shape.
        () => next(req, res),
      )
      .catch((e: unknown) => this.failed(parts, res, e));
  }

  /** Reads the article and sends a 200; any other answer (or a failed read) is the whole path's to give. */
  private async readAndSend(
    parts: FrontDoorParts,
    req: IncomingMessage,
    res: ServerResponse,
    slug: string,
    ip: string,
    started: bigint | undefined,
    next: NodeHandler,
  ): Promise<void> {
    const body = await parts.read(slug, req.headers.accept).catch(() => undefined);
    if (body && (body.status ?? 200) === 200) {
      return this.write(parts, req, res, body, this.headers(parts, body), ip, started);
    }
    // Its address was counted here already: the whole path does not count it again.
    parts.limiter.markCounted(req);
    next(req, res);
  }

  /** A response that could not be written (the connection gone, a header refused): logged, the socket closed. */
  private failed(parts: FrontDoorParts, res: ServerResponse, e: unknown): void {
    parts.log.error({ err: e }, 'front door: the response could not be written');
    res.destroy();
  }

  /** The slug of a request the front door may answer, or undefined. */
  private slugOf(req: IncomingMessage): string | undefined {
    const parts = this.parts;
    const url = req.url;
    if (!parts || !parts.publicAccess || req.method !== 'GET' || !url?.startsWith(PREFIX)) return;
    const h = req.headers;
    if (h['x-api-key'] !== undefined || h.origin !== undefined || h['if-none-match'] !== undefined) return;
    const segment = url.slice(PREFIX.length);
    if (!PLAIN_SEGMENT.test(segment)) return;
    let slug = segment;
    if (segment.includes('%')) {
      try {
        slug = decodeURIComponent(segment);
      } catch {
        return;
      }
      if (UNSAFE_DECODED.test(slug)) return;
    }
    return slug;
  }

  /** The read cache's answer to the request, when it holds a 200. */
  private hit(parts: FrontDoorParts, req: IncomingMessage, slug: string): SentBody | undefined {
    if (!parts.cache.serving) return;
    const found = parts.cache.lookup(
      articleCacheKey(slug, undefined, acceptsNinjs(req.headers.accept)),
      slug,
    );
    if (!('hit' in found) || (found.hit.status ?? 200) !== 200) return;
    return found.hit;
  }

  /** Sends the read cache's answer (x-content-cache `hit`; its headers are built once per cached answer). */
  private sendHit(
    parts: FrontDoorParts,
    req: IncomingMessage,
    res: ServerResponse,
    hit: SentBody,
    ip: string,
    started: bigint | undefined,
  ): void {
    let headers = this.wire.get(hit);
    if (!headers) {
      headers = this.headers(parts, { ...hit, cache: 'hit' });
      this.wire.set(hit, headers);
    }
    this.write(parts, req, res, hit, headers, ip, started);
  }

  /**
   * An answer's headers but the request id, as the flat list writeHead takes: the fixed ones, then the
   * body's caching headers (no name is in both).
   */
  private headers(parts: FrontDoorParts, body: SentBody): string[] {
    const list = this.fixedList.slice();
    const caching = parts.responder.headers(PUBLIC_ACCESS, body, parts.vary);
    for (const name in caching) list.push(name, caching[name]);
    list.push('content-type', body.contentType, 'content-length', String(body.bytes.length));
    return list;
  }

  /** Writes a 200: the body with its headers (`headers`, the request id added). */
  private write(
    parts: FrontDoorParts,
    req: IncomingMessage,
    res: ServerResponse,
    body: SentBody,
    headers: string[],
    ip: string,
    started: bigint | undefined,
  ): void {
    const id = requestIdOf(req);
    if (started !== undefined) this.logRequest(parts.log, req, res, id, ip, started);
    this.answered++;
    res.writeHead(200, headers.concat('x-request-id', id));
    res.end(body.bytes);
  }

  /** The two lines Fastify logs for every request at level info, through Fastify's logger (`fastify.log`). */
  private logRequest(
    root: Logger,
    req: IncomingMessage,
    res: ServerResponse,
    reqId: string,
    ip: string,
    started: bigint,
  ): void {
    const log = root.child({ reqId });
    // Shaped as Fastify's request, for the `req` serializer Fastify's logger applies.
    const request = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      host: req.headers.host,
      ip,
      socket: req.socket,
    };
    log.info({ req: request }, 'incoming request');
    res.once('finish', () =>
      log.info(
        {
          res: { statusCode: res.statusCode },
          responseTime: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request completed',
      ),
    );
  }
}
