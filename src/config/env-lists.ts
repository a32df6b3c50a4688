import net from 'node:net';

// List-valued settings of env.ts: each parser takes the raw value, pushes what is wrong onto `problems`
// and returns a usable default then, so every problem is reported at once.

const SCHEDULE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };
const SCHEDULE_MAX_SECONDS = 7 * 24 * 3600;

/**
 * ADVISORY_RESEND_SCHEDULE: comma-separated times after an advisory opens, each a whole number with s, m or h
 * (e.g. 5m,15m,60m), strictly increasing, at most 20 of them and at most 7 days.
 */
export function parseSchedule(raw: string, problems: string[]): number[] {
  const entries = raw.split(',').map((e) => e.trim());
  const seconds: number[] = [];
  for (const entry of entries) {
    const m = /^(\d{1,7})([smh])$/.exec(entry);
    const value = m ? Number(m[1]) * SCHEDULE_UNITS[m[2]] : NaN;
    if (!m || value < 1 || value > SCHEDULE_MAX_SECONDS) {
      problems.push(
        `ADVISORY_RESEND_SCHEDULE entries are times such as 30s, 5m or 2h, from 1s to 7 days (got "${entry}")`,
      );
      return [300, 900, 3600];
    }
    seconds.push(value);
  }
  if (seconds.length > 20 || seconds.some((v, i) => i > 0 && v <= seconds[i - 1])) {
    problems.push(`ADVISORY_RESEND_SCHEDULE must be at most 20 strictly increasing times (got "${raw}")`);
    return [300, 900, 3600];
  }
  return seconds;
}

const PROXY_ADDR_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

// A hop count would trust whatever sent the request (any client when the port is published), so only
// the proxies' own addresses are accepted; a bare number (the old format) is refused with the new one.
export function parseTrustProxy(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw === '0' || raw.toLowerCase() === 'none') return [];
  const entries = raw.split(',').map((e) => e.trim());
  if (entries.length === 1 && /^\d+$/.test(entries[0])) {
    problems.push(
      `TRUST_PROXY takes the addresses or CIDRs of the trusted proxies (e.g. 10.0.0.5,172.28.0.0/24), not a hop count (got "${raw}")`,
    );
    return [];
  }
  for (const entry of entries) {
    if (!isAddressOrCidr(entry)) {
      problems.push(
        `TRUST_PROXY entry "${entry}" must be an IP address, a CIDR such as 10.0.0.0/8, or one of ${PROXY_ADDR_NAMES.join(', ')}`,
      );
    }
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_ADDR_NAMES.includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

const REPLICAS_MAX = 16;

/**
 * DATABASE_REPLICA_URLS: comma-separated postgres:// URLs of streaming replicas of DATABASE_URL's database
 * (at most 16, each once, none the primary's own URL). Empty: no replicas, every read on the primary.
 */
export function parseReplicaUrls(
  raw: string | undefined,
  primary: string | undefined,
  problems: string[],
): string[] {
  if (raw === undefined) return [];
  const urls = raw.split(',').map((e) => e.trim());
  const bad = (message: string): string[] => {
    problems.push(`DATABASE_REPLICA_URLS ${message}`);
    return [];
  };
  if (primary === undefined) {
    return bad('needs DATABASE_URL: replicas are of an external PostgreSQL, not of the embedded one');
  }
  if (urls.length > REPLICAS_MAX) return bad(`takes at most ${REPLICAS_MAX} URLs (got ${urls.length})`);
  for (const [i, url] of urls.entries()) {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      // reported below
    }
    if (!/^postgres(ql)?:\/\//.test(url) || host === '') {
      // The value is not repeated: it may hold a password.
      return bad(`entries must be postgres:// or postgresql:// URLs with a host (entry ${i + 1} is not)`);
    }
  }
  if (new Set(urls).size !== urls.length) return bad('names a URL twice');
  if (urls.includes(primary)) return bad('must name replicas, not DATABASE_URL itself');
  return urls;
}
