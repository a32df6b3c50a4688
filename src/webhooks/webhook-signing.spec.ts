import { createHmac } from 'node:crypto';
import { signPayload, verifySignature } from './webhook-signing';

describe('webhook signing', () => {
  const secret = 'whsec_test-secret';
  const body = JSON.stringify({ id: 'e1', type: 'article.published', data: { headline: 'Қазақстан' } });
  const t = 1_764_300_000;

  it('should produce t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> when signing', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signPayload(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('should accept a signature when the body and secret match within the tolerance', () => {
    expect(verifySignature(signPayload(secret, t, body), secret, body, 300, t + 299)).toBe(true);
    expect(verifySignature(signPayload(secret, t, body), secret, body, 300, t - 299)).toBe(true);
  });

  it('should reject a signature when the timestamp is outside the tolerance', () => {
    expect(verifySignature(signPayload(secret, t, body), secret, body, 300, t + 301)).toBe(false);
    expect(verifySignature(signPayload(secret, t, body), secret, body, 300, t - 301)).toBe(false);
  });

  it('should reject a signature when the body was tampered with', () => {
    const header = signPayload(secret, t, body);
    expect(verifySignature(header, secret, body.replace('Қазақстан', 'Kazakhstan'), 300, t)).toBe(false);
    expect(verifySignature(header, secret, `${body} `, 300, t)).toBe(false);
  });

  it('should reject a signature when it was made with another secret', () => {
    expect(verifySignature(signPayload('whsec_other', t, body), secret, body, 300, t)).toBe(false);
  });

  it('should reject a signature when the timestamp in the header was changed', () => {
    const [, v1] = signPayload(secret, t, body).split(',');
    expect(verifySignature(`t=${t + 10},${v1}`, secret, body, 300, t)).toBe(false);
  });

  it('should reject a header when it is malformed', () => {
    for (const header of ['', 'v1=abc', `t=${t}`, `t=abc,v1=${'0'.repeat(64)}`, `t=${t},v1=zz`]) {
      expect(verifySignature(header, secret, body, 300, t)).toBe(false);
    }
  });

  it('should accept a header when any of several v1 signatures matches', () => {
    const good = signPayload(secret, t, body).split(',')[1];
    expect(verifySignature(`t=${t},v1=${'0'.repeat(64)},${good}`, secret, body, 300, t)).toBe(true);
  });
});
