import { ackHeader, checkAck } from './advisory-ack';

const SECRET = 'whsec_test';
const ADVISORY = '0b6f3a52-4a8e-4c55-9d8e-2f1a6c7d9e01';
const DELIVERY = '5d0c1e7a-9b2f-4f3e-8a61-7c4b2d9e0f12';

describe('advisory acknowledgement header', () => {
  it('should accept the header made with the secret for the delivery it answers', () => {
    expect(checkAck(ackHeader(SECRET, ADVISORY, DELIVERY), SECRET, DELIVERY)).toEqual({
      ok: true,
      advisoryId: ADVISORY,
    });
  });

  it('should refuse a signature made with another secret', () => {
    expect(checkAck(ackHeader('whsec_other', ADVISORY, DELIVERY), SECRET, DELIVERY)).toEqual({
      ok: false,
      advisoryId: ADVISORY,
      reason: 'bad signature',
    });
  });

  it('should refuse a signature made for another delivery', () => {
    const other = '7d0c1e7a-9b2f-4f3e-8a61-7c4b2d9e0f12';
    expect(checkAck(ackHeader(SECRET, ADVISORY, other), SECRET, DELIVERY).ok).toBe(false);
  });

  it('should refuse a header without an id or without a signature', () => {
    expect(checkAck('v1=' + 'a'.repeat(64), SECRET, DELIVERY)).toMatchObject({ ok: false, advisoryId: null });
    expect(checkAck(`id=${ADVISORY}`, SECRET, DELIVERY)).toMatchObject({
      ok: false,
      reason: 'no v1 signature',
    });
    expect(checkAck('garbage', SECRET, DELIVERY).ok).toBe(false);
  });

  it('should accept the id in any case and spaces around the parts', () => {
    const header = ackHeader(SECRET, ADVISORY, DELIVERY)
      .replace('id=', ' id= ')
      .toUpperCase()
      .replace('ID=', 'id=')
      .replace('V1=', 'v1=');
    expect(checkAck(header, SECRET, DELIVERY)).toEqual({ ok: true, advisoryId: ADVISORY });
  });
});
