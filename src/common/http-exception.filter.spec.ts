import { DatabaseError } from 'pg';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from './http-exception.filter';

function answer(e: unknown): { status: number; headers: Record<string, string>; body: { code: string } } {
  const out = { status: 0, headers: {} as Record<string, string>, body: { code: '' } };
  const reply = {
    header(k: string, v: string) {
      out.headers[k.toLowerCase()] = v;
      return reply;
    },
    hasHeader: (k: string) => k.toLowerCase() in out.headers,
    status(n: number) {
      out.status = n;
      return reply;
    },
    send(b: { code: string }) {
      out.body = b;
      return reply;
    },
  };
  const filter = new AllExceptionsFilter();
  // The 5xx answers are logged; keep the test output clean.
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
  filter.send({ id: 'r1' } as FastifyRequest, reply as unknown as FastifyReply, e);
  return out;
}

function pgError(code: string): DatabaseError {
  const e = new DatabaseError('server said no', 0, 'error');
  e.code = code;
  return e;
}

describe('AllExceptionsFilter', () => {
  it.each([
    ['53300', 'too many clients already'],
    ['57P01', 'the server was shut down'],
    ['08006', 'the connection failed'],
  ])('should answer 503 with Retry-After when PostgreSQL says %s (%s)', (code) => {
    const res = answer(pgError(code));
    expect([res.status, res.body.code, res.headers['retry-after']]).toEqual([
      503,
      'SERVICE_UNAVAILABLE',
      '5',
    ]);
  });

  it('should hide any other database error behind a 500', () => {
    const res = answer(pgError('XX000'));
    expect([res.status, res.body.code, res.headers['retry-after']]).toEqual([500, 'INTERNAL', undefined]);
  });
});
