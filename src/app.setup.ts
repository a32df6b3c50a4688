import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { PinoNestLogger, createRootLogger } from './common/logger';
import { requestContext } from './common/request-context';
import { createValidationPipe } from './common/validation';
import { loadEnv } from './config/env';
import { JobEngine } from './jobs/job-engine.service';
import { UsersService } from './users/users.service';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

export function createAdapter(root: Logger): FastifyAdapter {
  const env = loadEnv();
  return new FastifyAdapter({
    loggerInstance: root,
    bodyLimit: env.bodyLimitBytes,
    // A client's own request id is kept when it is sane, so logs can be joined across systems.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Only trusted hops may set the client IP that rate limits count by.
    trustProxy: env.trustProxy > 0 ? (_addr: string, hop: number) => hop < env.trustProxy : false,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
  });
}

/** Everything HTTP-wide, shared by main.ts and the e2e tests. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const env = loadEnv();
  app.useGlobalPipes(createValidationPipe());
  const fastify = app.getHttpAdapter().getInstance();
  // Everything the request does runs inside its context (request id, client IP, later the actor).
  fastify.addHook('onRequest', (request, _reply, done) => {
    requestContext.run({ requestId: request.id, ip: request.ip }, done);
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
      },
    },
  });
  app.enableCors({
    origin: env.corsOrigins,
    exposedHeaders: ['ETag', 'Retry-After', 'X-Request-Id', 'Location'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'If-Match',
      'If-None-Match',
      'X-Request-Id',
      'X-Api-Key',
    ],
  });
  setupOpenApi(app);
  return app;
}

function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Dateline')
    .setDescription('Headless newsroom CMS: the Newsroom API for staff and the Content API for front ends.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}

/** Builds the whole application on a database URL, ready for listen() or inject(). */
export async function createApp(databaseUrl: string): Promise<NestFastifyApplication> {
  const root = createRootLogger(loadEnv().logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ databaseUrl }),
    createAdapter(root),
    {
      logger: new PinoNestLogger(root),
    },
  );
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  // The server (not the CLI) creates the first admin of an empty database.
  await app.get(UsersService).bootstrapAdmin();
  await app.get(JobEngine).startWorkers();
  return app;
}
