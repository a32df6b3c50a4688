import { createHmac } from 'node:crypto';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IS_PUBLIC, MIN_ROLE } from '../src/common/auth.decorators';
import type { Role } from '../src/common/roles';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

export interface RouteInfo {
  method: string;
  /** Nest's form: /api/v1/tags/:id */
  path: string;
  /** OpenAPI's form of the same path: /api/v1/tags/{id} */
  openApiPath: string;
  isPublic: boolean;
  /** The `@Roles()` minimum; undefined on public routes and on routes any signed-in staff member may use. */
  minRole: Role | undefined;
  /** Class names of the guards the route adds with @UseGuards (the global staff guard not included). */
  guards: string[];
  /** Controller.method, for messages. */
  handler: string;
}

const asList = (paths: unknown): string[] =>
  (Array.isArray(paths) ? paths : [paths ?? '']).map((p) => String(p as string));

/** Every controller route of the running app, read from Nest's own metadata. */
export function walkRoutes(app: NestFastifyApplication): RouteInfo[] {
  const modules = app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  const controllers = [...modules.values()].flatMap((m) => [...m.controllers.values()]);
  for (const wrapper of controllers) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const bases = asList(Reflect.getMetadata(PATH_METADATA, metatype));
    const proto = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = (proto as Record<string, unknown>)[name] as () => unknown;
      const subs = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
      if (subs === undefined || method === undefined) continue;
      const targets = [handler, metatype];
      const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true;
      const guards = [
        ...((Reflect.getMetadata(GUARDS_METADATA, metatype) as unknown[] | undefined) ?? []),
        ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? []),
      ].map((g) => (typeof g === 'function' ? g.name : (g as object).constructor.name));
      // A controller or a handler may be mounted on several paths: each one is a route.
      for (const base of bases) {
        for (const sub of asList(subs)) {
          const path = `/${[base, sub]
            .map((p) => p.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')}`;
          routes.push({
            method: METHODS[method],
            path,
            openApiPath: path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
            isPublic,
            minRole: isPublic ? undefined : reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, targets),
            guards,
            handler: `${metatype.name}.${name}`,
          });
        }
      }
    }
  }
  return routes;
}

/** A route's path with every parameter set to a well-formed id that exists nowhere. */
export const fill = (path: string) => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

/** An HS256 (or `alg: none`) JWT with any payload and secret, for tokens the server must refuse. */
export function forgeToken(payload: object, secret: string, alg = 'HS256'): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg, typ: 'JWT' })}.${enc(payload)}`;
  if (alg === 'none') return `${head}.`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** The payload of a JWT, unverified (to copy `sub` and `tv` into forged tokens). */
export function jwtPayload(token: string): { sub: string; tv: number; iat?: number; exp?: number } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
    sub: string;
    tv: number;
  };
}
