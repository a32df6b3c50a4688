import type { LoggerService } from '@nestjs/common';
import { DatabaseError } from 'pg';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/env';

// Secrets never reach the logs, wherever they appear in a logged object.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.secret',
  '*.token',
];

// Database errors carry the statement and its parameters (a password hash, a webhook secret) and pg's
// detail/where/hint quote row values: a logged error keeps only what names the failure.
const DROPPED_ERROR_FIELDS = new Set([
  'query',
  'parameters',
  'driverError',
  'detail',
  'where',
  'hint',
  'internalQuery',
  'internalPosition',
  'position',
  'length',
]);
const REDACTED = '[redacted]';

/**
 * An error as it may appear in a log line: type, message, stack, code and the names of what failed
 * (table, column, constraint), never SQL text or values. Values the error was sent with are blanked
 * where the message quotes them (pg quotes a rejected value: `invalid input syntax for type uuid: "…"`).
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const raw = err as Error & { parameters?: unknown; driverError?: unknown; cause?: unknown };
  const driver = raw.driverError instanceof Error ? raw.driverError : undefined;
  const values = (Array.isArray(raw.parameters) ? raw.parameters : [])
    .map((p) => (typeof p === 'string' || typeof p === 'number' ? String(p) : JSON.stringify(p)))
    .filter((p): p is string => typeof p === 'string' && p.length >= 4);
  const isDbError = driver !== undefined || err instanceof DatabaseError;
  const scrub = (text: string): string => {
    let out = text;
    for (const v of values) out = out.split(v).join(REDACTED);
    // A value pg quotes at the end of a message line (bad input syntax, out of range…).
    return isDbError ? out.replace(/: "(?:[^"\\]|\\.)*"(?=$|\n)/gm, `: "${REDACTED}"`) : out;
  };
  const out: Record<string, unknown> = { type: err.constructor.name, message: scrub(err.message) };
  if (err.stack) out.stack = scrub(err.stack);
  for (const [k, v] of Object.entries(err)) {
    if (DROPPED_ERROR_FIELDS.has(k) || k === 'message' || k === 'stack' || k === 'cause') continue;
    out[k] = typeof v === 'string' ? scrub(v) : v;
  }
  if (driver) {
    // The driver's own fields that name the failure: code, severity, table, column, constraint…
    const named = serializeError(driver, depth + 1) as Record<string, unknown>;
    for (const k of ['code', 'severity', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine']) {
      if (named[k] !== undefined) out[k] = named[k];
    }
  }
  if (raw.cause !== undefined && depth < 5) out.cause = serializeError(raw.cause, depth + 1);
  return out;
}

/** The root logger: JSON lines on stdout, or on `destination` (tests capture the logs there). */
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { service: 'dateline' },
      serializers: { err: serializeError },
      formatters: {
        // Errors logged under any other field name go through the same serializer.
        log: (fields) => {
          for (const [k, v] of Object.entries(fields)) if (v instanceof Error) fields[k] = serializeError(v);
          return fields;
        },
      },
    },
    destination,
  );
}

/** Nest's logger interface over pino, so framework and app logs are the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (message instanceof Error) {
      // Through the error serializer, never spread: a query error's own fields hold SQL and values.
      this.root[level]({ context, err: message }, (serializeError(message) as { message: string }).message);
    } else if (message !== null && typeof message === 'object') {
      const { err, ...fields } = message as Record<string, unknown>;
      this.root[level](
        { context, ...fields, err },
        typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined,
      );
    } else {
      const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
      this.root[level]({ context, stack }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}
