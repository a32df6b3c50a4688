import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { DomainError } from '../common/errors';
import { PartnerScopes } from './partner-scopes.service';

/**
 * Runs after ContentAccessGuard on Content API routes: when the API key belongs to a partner, the reader's
 * access carries the partner's subscription (what lists, feeds and the changes feed are narrowed to), and
 * embargoed stories need both the key's content:embargoed scope and the partner's early access.
 */
@Injectable()
export class PartnerScopeGuard implements CanActivate {
  constructor(private readonly scopes: PartnerScopes) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (req.contentAccess) req.contentAccess = await this.narrow(req.contentAccess);
    return true;
  }

  /** The access of a partner's key narrowed to its subscription; any other access as it is. */
  async narrow(access: ContentAccess): Promise<ContentAccess> {
    if (!access.keyId) return access;
    const scope = await this.scopes.forKey(access.keyId);
    return scope
      ? { ...access, partner: scope, embargoed: access.embargoed && scope.embargoedEarly }
      : access;
  }
}

/** Partner-only Content API routes: a key that belongs to a partner (401 without a key, 403 for another key). */
@Injectable()
export class PartnerKeyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const access = ctx.switchToHttp().getRequest<FastifyRequest>().contentAccess;
    if (!access?.keyId) {
      throw new DomainError(
        'UNAUTHORIZED',
        "This route needs a partner's API key: send X-Api-Key",
        undefined,
        {
          'cache-control': 'private, no-store',
        },
      );
    }
    if (!access.partner) {
      throw new DomainError('FORBIDDEN', 'This API key belongs to no partner', undefined, {
        'cache-control': 'private, no-store',
      });
    }
    return true;
  }
}
