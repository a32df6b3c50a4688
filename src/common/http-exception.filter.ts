import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseError } from 'pg';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import type { ErrorBody, ErrorCode } from './errors';
import { QUERY_CANCELED_RETRY_AFTER, isQueryCanceledCode, isStillReferencedCode } from './db-errors';
import { DomainError, ERROR_STATUS, codeForStatus } from './errors';

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
}

/** Maps every thrown thing to the one error body. Unexpected errors are logged and hidden. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    this.send(ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), exception);
  }

  /** Sends the error body of an exception (also used by routes that bypass Nest's pipeline). */
  send(request: FastifyRequest, reply: FastifyReply, exception: unknown): void {
    const { body, headers } = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, reqId: request.id }, body.message);
    }
    body.requestId = request.id;
    for (const [k, v] of Object.entries(headers ?? {})) void reply.header(k, v);
    // Every limiter names its wait; a 429 without one still tells clients when to come back.
    if (body.statusCode === 429 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '60');
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(e: unknown): { body: ErrorBody; headers?: Record<string, string> } {
    if (e instanceof DomainError) {
      return { body: this.body(e.code, e.message, e.details), headers: e.headers };
    }
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const res = e.getResponse();
      const message =
        typeof res === 'string'
          ? res
          : typeof (res as { message?: unknown }).message === 'string'
            ? (res as { message: string }).message
            : e.message;
      return { body: { statusCode: status, code: codeForStatus(status), message } };
    }
    // TypeORM wraps the driver's error; the Content API's plain pg queries throw it as it is.
    if (e instanceof QueryFailedError || e instanceof DatabaseError) {
      const pg = (e instanceof QueryFailedError ? e.driverError : e) as PgError;
      // Safety net: constraint violations that a service did not pre-check still answer 4xx.
      if (pg.code === '23505')
        return { body: this.body('CONFLICT', 'A record with this value already exists', pg.detail) };
      if (isStillReferencedCode(pg.code))
        return { body: this.body('CONFLICT', 'A referenced record is missing or still in use', pg.detail) };
      // Bad text, uuid or time input; 22021/22P05: a NUL character, which PostgreSQL text cannot hold.
      if (['22P02', '22007', '22008', '22021', '22P05'].includes(pg.code ?? '')) {
        return { body: this.body('BAD_REQUEST', 'A value has the wrong format') };
      }
      // A statement that ran past the statement timeout (a held lock, a costly plan): the instance is
      // still fine, the request may succeed a moment later.
      if (isQueryCanceledCode(pg.code)) {
        return {
          body: this.body('SERVICE_UNAVAILABLE', 'The database took too long to answer; retry shortly'),
          headers: { 'retry-after': String(QUERY_CANCELED_RETRY_AFTER) },
        };
      }
      if (pg.code === '40001' || pg.code === '40P01') {
        return { body: this.body('CONFLICT', 'A concurrent change got there first; retry') };
      }
    }
    // Fastify's own errors (body too large, bad JSON, wrong content type) carry a 4xx statusCode.
    const status = (e as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { body: { statusCode: status, code: codeForStatus(status), message: (e as Error).message } };
    }
    if (isConnectionError(e)) {
      return {
        body: this.body('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly'),
        headers: { 'retry-after': '5' },
      };
    }
    return { body: this.body('INTERNAL', 'Internal server error') };
  }

  private body(code: ErrorCode, message: string, details?: unknown): ErrorBody {
    return { statusCode: ERROR_STATUS[code], code, message, ...(details === undefined ? {} : { details }) };
  }
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : '';
  return (
    // A transaction whose connection the server dropped: TypeORM released it under the running use case.
    e instanceof QueryRunnerAlreadyReleasedError ||
    e instanceof QueryRunnerProviderAlreadyReleasedError ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '57P03' ||
    // too_many_connections: the server is full (other clients hold its connections); and class 08, a
    // connection exception.
    code === '53300' ||
    (typeof code === 'string' && code.startsWith('08')) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(msg)
  );
}
