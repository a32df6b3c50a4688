import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { type ContentAccess, ContentAccessGuard } from '../api-keys/content-access.guard';
import { AllExceptionsFilter } from '../common/http-exception.filter';
import { createValidationPipe } from '../common/validation';
import { ContentArticlesController } from './content-articles.controller';
import type { ContentBody } from './content-cache';
import { ContentResponseInterceptor } from './content-response.interceptor';
import { PartnerScopeGuard } from '../partners/partner-scope.guard';
import { ContentArticleQueryDto, ContentArticlesQueryDto } from './content.dto';

/** What a direct route's handler gets: the request, the reader's access, its validated query, its path params. */
interface DirectCall<Q> {
  req: FastifyRequest;
  access: ContentAccess;
  query: Q;
  params: Record<string, string>;
}

/** The app's instance of a provider or controller (looked up once, then kept). */
type Resolve = <T>(type: Type<T>) => T;

interface DirectRoute<Q = unknown> {
  url: string;
  query: Type<Q>;
  run(get: Resolve, call: DirectCall<Q>): Promise<ContentBody>;
}

const route = <Q>(r: DirectRoute<Q>): DirectRoute => r;

/**
 * The public read routes that carry the Content API's load. Each calls its Nest controller's own method,
 * so the controller (with its OpenAPI description) stays the one definition of what the route does.
 */
export const DIRECT_CONTENT_ROUTES: readonly DirectRoute[] = [
  route({
    url: '/api/v1/content/articles',
    query: ContentArticlesQueryDto,
    run: (get, { access, query }) => get(ContentArticlesController).list(access, query),
  }),
  route({
    url: '/api/v1/content/articles/:slug',
    query: ContentArticleQueryDto,
    run: (get, { req, access, query, params }) =>
      get(ContentArticlesController).get(req, access, params.slug, query),
  }),
];

/**
 * Runs the hot public read routes as plain Fastify handlers instead of through Nest's per-request
 * pipeline (guards, pipes, interceptors, filters, observables). They do the same steps in the same order
 * with the same parts: ContentAccessGuard's decision (API key, CONTENT_API_PUBLIC, rate limits),
 * PartnerScopeGuard's narrowing to a partner's subscription, the global ValidationPipe on the query, the
 * controller method, ContentResponseInterceptor's send (the partner's pull record, ContentResponder's
 * caching headers), and AllExceptionsFilter's error body. The staff AuthGuard is not run: these routes are @Public().
 *
 * Must be called before app.init(): Nest registers its routes then, and this swaps the handler of the
 * matching GET routes as Fastify registers them (the `onRoute` hook), so the route table, the OpenAPI
 * document and every Fastify hook (request id, CORS, security headers) are unchanged.
 */
/** The URLs whose handler was swapped, per app (so a route renamed in its controller cannot silently fall back). */
const installed = new WeakMap<NestFastifyApplication, Set<string>>();

export function directRoutesInstalled(app: NestFastifyApplication): string[] {
  return [...(installed.get(app) ?? [])].sort();
}

export function installDirectContentRoutes(app: NestFastifyApplication): void {
  const swapped = new Set<string>();
  installed.set(app, swapped);
  const fastify = app.getHttpAdapter().getInstance();
  const byUrl = new Map(DIRECT_CONTENT_ROUTES.map((r) => [r.url, r]));
  const instances = new Map<Type<unknown>, unknown>();
  const get: Resolve = <T>(type: Type<T>): T => {
    if (!instances.has(type)) instances.set(type, app.get(type));
    return instances.get(type) as T;
  };
  fastify.addHook('onRoute', (options) => {
    const direct = byUrl.get(options.url ?? '');
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    if (!direct || !methods.every((m) => m === 'GET' || m === 'HEAD')) return;
    options.handler = directHandler(get, direct);
    swapped.add(direct.url);
  });
}

/** How many validated query strings each direct route keeps (public readers repeat the same few). */
const VALIDATED_QUERIES = 1024;

function directHandler(get: Resolve, direct: DirectRoute): RouteHandlerMethod {
  const pipe = createValidationPipe();
  const errors = new AllExceptionsFilter();
  // The query string -> its validated DTO (frozen: shared by every request with that string). Validation
  // is a pure function of the string, so a repeated string skips class-validator; an invalid one is never
  // stored and fails every time.
  const validated = new Map<string, unknown>();
  const validate = async (req: FastifyRequest): Promise<unknown> => {
    const at = req.url.indexOf('?');
    const raw = at < 0 ? '' : req.url.slice(at + 1);
    const hit = validated.get(raw);
    if (hit !== undefined) return hit;
    const query: unknown = await pipe.transform(req.query ?? {}, { type: 'query', metatype: direct.query });
    if (validated.size >= VALIDATED_QUERIES) validated.delete(validated.keys().next().value as string);
    validated.set(raw, deepFreeze(query));
    return query;
  };
  return async function (this: unknown, req: FastifyRequest, reply: FastifyReply) {
    try {
      const access = await get(PartnerScopeGuard).narrow(await get(ContentAccessGuard).decide(req));
      req.contentAccess = access;
      const query = await validate(req);
      const body = await direct.run(get, {
        req,
        access,
        query,
        params: req.params as Record<string, string>,
      });
      return reply.send(get(ContentResponseInterceptor).send(req, reply, access, body));
    } catch (e) {
      errors.send(req, reply, e);
      return reply;
    }
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
