import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { PinoNestLogger, createRootLogger } from './logger';

const SECRET = 'whsec_the-secret-value-0123456789';
const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g';

function queryError(message: string, code: string): QueryFailedError {
  const driver = new DatabaseError(message, message.length, 'error');
  Object.assign(driver, {
    code,
    detail: `Key (secret)=(${SECRET}) already exists.`,
    where: `PL/pgSQL function refuse() line 1 at RAISE: ${HASH}`,
    table: 'webhook',
    constraint: 'UQ_webhook_secret',
  });
  return new QueryFailedError('UPDATE "webhook" SET "secret" = $1 WHERE "id" = $2', [SECRET, HASH], driver);
}

function capture(): { lines: string[]; logger: ReturnType<typeof createRootLogger> } {
  const lines: string[] = [];
  return { lines, logger: createRootLogger('trace', { write: (l: string) => void lines.push(l) }) };
}

describe('logged errors', () => {
  it('should keep the code and names but drop SQL text, parameters and detail when a query error is logged', () => {
    const { lines, logger } = capture();
    logger.error({ err: queryError('duplicate key value violates unique constraint', '23505') }, 'failed');
    const line = JSON.parse(lines[0]) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      table: 'webhook',
      constraint: 'UQ_webhook_secret',
    });
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain('$argon2');
    expect(lines[0]).not.toContain('UPDATE');
  });

  it('should blank a parameter or quoted value the message repeats when the error is logged under any field or through Nest', () => {
    const { lines, logger } = capture();
    const err = queryError(`invalid input syntax for type uuid: "${SECRET}"`, '22P02');
    logger.warn({ error: err }, 'other field');
    new PinoNestLogger(logger).error(err);
    const plain = new DatabaseError(`invalid input syntax for type integer: "${HASH}"`, 10, 'error');
    logger.error({ err: plain }, 'plain pg error');
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l).not.toContain(SECRET);
      expect(l).not.toContain('$argon2');
      expect(l).toContain('invalid input syntax');
    }
  });
});
