import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { PUBLIC_ACCESS } from '../api-keys/content-access.guard';

/** The reader's access as ContentAccessGuard decided it; anonymous (no embargoed scope) when absent. */
export const ContentAccessParam = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ContentAccess =>
    ctx.switchToHttp().getRequest<FastifyRequest>().contentAccess ?? PUBLIC_ACCESS,
);
