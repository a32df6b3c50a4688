import type { ExecutionContext } from '@nestjs/common';
import { SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from './request-context';
import type { Role } from './roles';

export const IS_PUBLIC = 'dateline:isPublic';
export const MIN_ROLE = 'dateline:minRole';

/** Opts a route out of the deny-by-default staff guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Requires a signed-in staff member with at least this role (writer < editor < admin). */
export const Roles = (minRole: Role) => applyDecorators(SetMetadata(MIN_ROLE, minRole), ApiBearerAuth());

/** The signed-in staff member, as the auth guard put it on the request. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The request this actor acts through (set by the auth guard; the audit log records it). */
  request?: RequestMeta;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  if (!req.actor) throw new Error('CurrentUser used on a route without the auth guard');
  return req.actor;
});
