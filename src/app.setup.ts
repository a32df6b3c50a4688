import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import helmet from 'helmet';
import type { DestinationStream, Logger } from 'pino';
import { AppModule } from './app.module';
import { badRequest, codeForStatus } from './common/errors';
import { jsonTooDeep, jsonWellFormed } from './common/json-body';
import { PinoNestLogger, createRootLogger } from './common/logger';
import { createValidationPipe } from './common/validation';
import { ContentRateLimiter } from './api-keys/content-rate-limiter.service';
import { PUBLIC_ACCESS } from './api-keys/content-access.guard';
import { contentConfig, type ContentConfig } from './config/configuration';
import { ContentResponder } from './content-api/content-cache';
import { ContentArticlesService } from './content-api/content-articles.service';
import { installDirectContentRoutes } from './content-api/content-direct-routes';
import { ContentFrontDoor, requestIdOf } from './content-api/content-front-door';
import { ContentReadCache } from './content-api/content-read-cache.service';
import { DEFAULT_DESK_ROOT, registerDesk } from './desk/desk-static';
import { registerNdjsonStreaming } from './importer/archive/ndjson-body.decorator';
import { loadEnv } from './config/env';
import { JobEngine } from './jobs/job-engine.service';
import { UsersService } from './users/users.service';

/** Each adapter's front door (content-front-door.ts), opened by configureApp once the app's parts exist. */
const frontDoors = new WeakMap<object, ContentFrontDoor>();

/** The front door of an app built by createApp (its `answered` count shows what it served). */
export function frontDoorOf(app: NestFastifyApplication): ContentFrontDoor | undefined {
  return frontDoors.get(app.getHttpAdapter().getInstance());
}

export function createAdapter(root: Logger): FastifyAdapter {
  const env = loadEnv();
  const door = new ContentFrontDoor();
  const adapter = new FastifyAdapter({
    loggerInstance: root,
    bodyLimit: env.bodyLimitBytes,
    // A client's own request id is kept when it is sane, so logs can be joined across systems.
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // The server's requests pass the front door before Fastify (anonymous single-article reads).
    serverFactory: (
      handler: (req: IncomingMessage, res: ServerResponse) => void,
      options: Parameters<ContentFrontDoor['serverFactory']>[1],
    ) => door.serverFactory(handler, options),
    // Only the named proxies may set the client IP that rate limits and the audit log use: a request
    // from anywhere else is counted by its own address, whatever X-Forwarded-For it sends.
    trustProxy: env.trustProxy.length > 0 ? env.trustProxy : false,
    // Slow clients (slowloris): the whole request must arrive within requestTimeout, checked often
    // enough (Node checks every 30 s by default) that a trickling connection is cut close to it.
    connectionTimeout: env.connectionTimeoutMs,
    requestTimeout: env.requestTimeoutMs,
    http: {
      headersTimeout: env.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(env.requestTimeoutMs / 4)),
    },
    keepAliveTimeout: 5_000,
    // Slugs are up to 120 characters; the router's default limit on a path parameter is 100.
    routerOptions: { maxParamLength: 500 },
    // The router answers a malformed URL (400) or an over-long parameter (414) before Nest sees the
    // request: in the one error shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode ?? 400;
      void reply
        .status(status)
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-request-id', request.id)
        .send({
          statusCode: status,
          code: codeForStatus(status),
          message: error.message,
          requestId: request.id,
        });
    },
  });
  frontDoors.set(adapter.getInstance(), door);
  return adapter;
}

/** Everything HTTP-wide, shared by main.ts and the e2e tests. */
export async function configureApp(
  app: NestFastifyApplication,
  options: { deskRoot?: string } = {},
): Promise<NestFastifyApplication> {
  const env = loadEnv();
  app.useGlobalPipes(createValidationPipe());
  const fastify = app.getHttpAdapter().getInstance();
  // The hot public reads skip Nest's per-request pipeline (same checks, same parts; see the file).
  installDirectContentRoutes(app);
  // Fastify's JSON parser (prototype-poisoning checks, body limit), after a depth check (a deeply
  // nested body would otherwise reach the recursive validator and transformer), then a Unicode check.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: env.bodyLimitBytes },
    (req, body, done) => {
      if (jsonTooDeep(body, env.jsonMaxDepth)) {
        done(badRequest(`JSON nested deeper than ${env.jsonMaxDepth} levels`), undefined);
        return;
      }
      void parseJson(req, body.toString('utf8'), (err, parsed) => {
        if (!err && !jsonWellFormed(parsed)) {
          done(
            badRequest('JSON strings must be well-formed Unicode (a lone surrogate escape was sent)'),
            undefined,
          );
          return;
        }
        done(err, parsed);
      });
    },
  );
  // Archive uploads (POST /api/v1/imports/archive) reach their handler as the unread request stream.
  registerNdjsonStreaming(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // Parses Cookie and serializes Set-Cookie (the desk's session, src/auth/session-cookie.ts).
  await app.register(cookie);
  // Security headers on every response, by helmet's middleware built once (not once per request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
  const cors = {
    origin: env.corsOrigins,
    exposedHeaders: ['ETag', 'Retry-After', 'X-Request-Id', 'Location'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'If-Match',
      'If-None-Match',
      'X-Request-Id',
      'X-Api-Key',
      'X-CSRF-Token',
    ],
  };
  const door = frontDoors.get(fastify);
  if (door) {
    const articles = app.get(ContentArticlesService);
    door.open({
      cache: app.get(ContentReadCache),
      read: (slug, accept) => articles.get(PUBLIC_ACCESS, slug, {}, accept),
      limiter: app.get(ContentRateLimiter),
      responder: app.get(ContentResponder),
      publicAccess: app.get<ContentConfig>(contentConfig.KEY).publicAccess,
      // What CORS sets on an answer to a request without Origin: Vary (the origins are a list, or any)
      // and the exposed headers.
      vary: 'Origin',
      fixed: {
        ...headersSetBy(securityHeaders),
        'access-control-expose-headers': cors.exposedHeaders.join(', '),
      },
      trustProxy: env.trustProxy.length > 0 ? env.trustProxy : false,
      log: fastify.log as unknown as Logger,
    });
    fastify.addHook('preClose', (done) => {
      door.close();
      done();
    });
  }
  app.enableCors(cors);
  // Picture uploads (POST /api/v1/media) stream their file part; nothing is buffered or written by the plugin.
  await app.register(multipart, {
    limits: {
      fileSize: env.media.maxBytes,
      files: 1,
      fields: 20,
      fieldSize: 10_000,
      parts: 25,
      headerPairs: 100,
    },
  });
  setupOpenApi(app);
  await registerDesk(fastify, options.deskRoot ?? DEFAULT_DESK_ROOT);
  return app;
}

/** The headers a header-setting middleware built once sets on every response (helmet's do not depend on the request). */
function headersSetBy(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/** The OpenAPI document of the app (served at /docs; written to desk/openapi.json by scripts/openapi.mjs). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Dateline')
    .setDescription('Headless newsroom CMS: the Newsroom API for staff and the Content API for front ends.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

function setupOpenApi(app: INestApplication): void {
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}

/** Builds the whole application on a database URL, ready for listen() or inject(). */
export async function createApp(
  databaseUrl: string,
  options: { logDestination?: DestinationStream; deskRoot?: string } = {},
): Promise<NestFastifyApplication> {
  const root = createRootLogger(loadEnv().logLevel, options.logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ databaseUrl }),
    createAdapter(root),
    {
      logger: new PinoNestLogger(root),
    },
  );
  await configureApp(app, { deskRoot: options.deskRoot });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  // The server (not the CLI) creates the first admin of an empty database.
  await app.get(UsersService).bootstrapAdmin();
  await app.get(JobEngine).startWorkers();
  return app;
}
