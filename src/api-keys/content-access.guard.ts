import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors';
import { contentAccessConfig, type ContentAccessConfig } from '../config/configuration';
import type { PartnerScope } from '../partners/partner-scope';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { ContentRateLimiter } from './content-rate-limiter.service';

/** Who reads the Content API: an API key (id) or anonymous (null), and whether embargoed items may be seen. */
export interface ContentAccess {
  keyId: string | null;
  embargoed: boolean;
  /** The subscription of the partner the key belongs to (set by PartnerScopeGuard): what it is narrowed to. */
  partner?: PartnerScope;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by ContentAccessGuard on Content API routes. */
    contentAccess?: ContentAccess;
  }
}

export const API_KEY_HEADER = 'x-api-key';
/** What an anonymous reader may see. */
export const PUBLIC_ACCESS: ContentAccess = Object.freeze({ keyId: null, embargoed: false });

const invalidKey = () => new DomainError('UNAUTHORIZED', 'Invalid, revoked or expired API key');

/**
 * Content API access, applied with `@ContentApi()` (src/content-api/content-route.decorator.ts) on routes
 * the staff guard treats as public; handlers read the result with `@ContentAccessParam()`.
 *
 * - no X-Api-Key: anonymous (401 when CONTENT_API_PUBLIC=false), rate-limited per client IP;
 * - a key: 401 unless it exists, is not revoked and not expired; 403 without `content:read`;
 *   rate-limited per key; `embargoed` when it has `content:embargoed`.
 * Over the limit: 429 with Retry-After (seconds).
 */
@Injectable()
export class ContentAccessGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyAuthenticator,
    private readonly limiter: ContentRateLimiter,
    @Inject(contentAccessConfig.KEY) private readonly config: ContentAccessConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    req.contentAccess = await this.decide(req);
    return true;
  }

  /** check(), with a refusal marked uncacheable: it depends on who asked (key, address). */
  async decide(req: FastifyRequest): Promise<ContentAccess> {
    try {
      return await this.check(req);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      throw new DomainError(e.code, e.message, e.details, {
        ...e.headers,
        'cache-control': 'private, no-store',
      });
    }
  }

  /** The access of one request, or a DomainError (401/403/429). */
  async check(req: FastifyRequest): Promise<ContentAccess> {
    const header = req.headers[API_KEY_HEADER];
    if (header === undefined || header === '') {
      if (!this.config.public) {
        throw new DomainError('UNAUTHORIZED', 'The Content API needs an API key: send X-Api-Key');
      }
      // Once per request: the front door (content-front-door.ts) may have counted it before handing it on.
      await this.limiter.consumeIpOnce(req.raw, req.ip);
      return PUBLIC_ACCESS;
    }
    const key = typeof header === 'string' ? await this.keys.resolve(header.trim()) : null;
    if (!key) {
      // Failed attempts count against the address, so guessing keys is throttled too.
      await this.limiter.consumeIpOnce(req.raw, req.ip);
      throw invalidKey();
    }
    if (!key.scopes.includes('content:read')) {
      throw new DomainError('FORBIDDEN', 'This API key lacks the content:read scope');
    }
    await this.limiter.consumeKey(key.id);
    return { keyId: key.id, embargoed: key.scopes.includes('content:embargoed') };
  }
}
