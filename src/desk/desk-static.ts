import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build -w desk` writes the desk (from dist/ in production, src/ under the tests). */
export const DEFAULT_DESK_ROOT = join(__dirname, '..', '..', 'desk', 'dist');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the desk SPA at /desk and redirects / there. Vite names everything under assets/ by its
 * content hash, so those files are cached forever; index.html is revalidated on every load so a new
 * build is picked up at once. Any other GET under /desk without a file extension is a client-side
 * route and gets index.html; a missing file with an extension stays a 404. Without a built desk
 * (an API-only deployment, or a checkout that never ran the desk build) nothing is registered.
 */
export async function registerDesk(
  fastify: FastifyInstance,
  root: string = DEFAULT_DESK_ROOT,
): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) return false;
  // Encapsulated: this plugin's sendFile decorator and not-found handler stay under /desk.
  await fastify.register(
    async (desk) => {
      await desk.register(fastifyStatic, {
        root,
        prefix: '/',
        cacheControl: false,
        // The desk build writes .br and .gz beside each asset (the API does not compress).
        preCompressed: true,
        setHeaders: (res, path) => {
          void res.header('cache-control', path.includes('/assets/') ? IMMUTABLE : 'no-cache');
        },
      });
      desk.setNotFoundHandler((req, reply) => {
        const path = req.url.split('?')[0];
        if ((req.method !== 'GET' && req.method !== 'HEAD') || extname(path)) {
          return reply
            .code(404)
            .send({ statusCode: 404, code: 'NOT_FOUND', message: 'Not found', requestId: req.id });
        }
        void reply.header('cache-control', 'no-cache');
        return reply.sendFile('index.html');
      });
    },
    { prefix: '/desk' },
  );
  fastify.get('/', (_req, reply) => reply.redirect('/desk/', 302));
  return true;
}
