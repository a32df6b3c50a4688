import type { LookupAddress } from 'node:dns';
import { DomainError } from '../common/errors';
import { assertDeliverableUrl, guardedLookup, isPrivateAddress } from './webhook-url-guard';

const resolvesTo =
  (...addresses: string[]) =>
  (): Promise<LookupAddress[]> =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:192.168.0.1',
    '64:ff9b::10.0.0.1',
    '2002:c0a8:0101::1',
    '[::1]',
    'not-an-ip',
  ])('should treat %s as private when checked', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '192.169.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
    'fbff::1',
    'fe00::1',
  ])('should treat %s as public when checked', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('assertDeliverableUrl', () => {
  const reason = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('BAD_REQUEST');
      return (e as DomainError).message;
    }
    throw new Error('expected a rejection');
  };

  it('should refuse a URL when its scheme is not http or https', async () => {
    await expect(reason(assertDeliverableUrl('ftp://example.com/x', true))).resolves.toMatch(/http or https/);
    await expect(reason(assertDeliverableUrl('file:///etc/passwd', true))).resolves.toMatch(/http or https/);
  });

  it('should refuse a URL when it carries credentials', async () => {
    await expect(reason(assertDeliverableUrl('https://u:p@example.com/', true))).resolves.toMatch(
      /credentials/,
    );
  });

  it('should refuse a host when any of its addresses is private', async () => {
    await expect(
      reason(assertDeliverableUrl('https://hooks.example.com/', false, resolvesTo('8.8.8.8', '10.0.0.5'))),
    ).resolves.toMatch(/private or loopback/);
  });

  it('should refuse a literal private or loopback address when private ones are not allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://[::ffff:169.254.169.254]/']) {
      await expect(reason(assertDeliverableUrl(url, false, resolvesTo('8.8.8.8')))).resolves.toMatch(
        /private or loopback/,
      );
    }
  });

  it('should refuse a host when it does not resolve', async () => {
    const fails = () => Promise.reject(new Error('ENOTFOUND'));
    await expect(reason(assertDeliverableUrl('https://nowhere.invalid/', false, fails))).resolves.toMatch(
      /does not resolve/,
    );
  });

  it('should accept a host when all its addresses are public', async () => {
    const url = await assertDeliverableUrl(
      'https://hooks.example.com/in',
      false,
      resolvesTo('93.184.216.34', '2606:2800:220:1::1'),
    );
    expect(url.hostname).toBe('hooks.example.com');
  });

  it('should accept a private address when private ones are allowed', async () => {
    await expect(assertDeliverableUrl('http://127.0.0.1:9/', true)).resolves.toBeInstanceOf(URL);
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup(host, { all }, (err, address) => resolve({ err, address })),
    );

  it('should fail the connection when the host resolves to a loopback address', async () => {
    for (const all of [true, false]) {
      const { err } = await lookup('localhost', all);
      expect(err?.code).toBe('EPRIVATEADDRESS');
    }
  });

  it('should pass through an address when it is public', async () => {
    const { err, address } = await lookup('8.8.8.8', false);
    expect(err).toBeNull();
    expect(address).toBe('8.8.8.8');
  });
});
