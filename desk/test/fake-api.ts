import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

/** JSON bodies parsed; anything else (a multipart upload, a text/plain import) kept as its text. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

type Handler = (call: Call) => Response | Promise<Response>;

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export const errorBody = (status: number, code: string, message: string): Response =>
  json({ statusCode: status, code, message, requestId: 'test' }, status);

/**
 * Answers the desk's requests from a table of "METHOD /path" handlers through the global fetch the
 * desk's one fetch wrapper calls, and records every request as sent (headers included). Anything
 * not in the table is a 404 in the server's error shape, as the real router answers it.
 */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      const text = input.method === 'GET' || input.method === 'HEAD' ? '' : await input.text();
      const call: Call = {
        method: input.method,
        path: url.pathname,
        query: url.searchParams,
        headers: input.headers,
        body: text ? parseBody(text) : undefined,
      };
      calls.push(call);
      const handler = routes[`${call.method} ${call.path}`];
      return handler ? handler(call) : errorBody(404, 'NOT_FOUND', `Cannot ${call.method} ${call.path}`);
    }),
  );
  return {
    calls,
    to: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
  };
}

export const WRITER = {
  id: '11111111-1111-4111-8111-111111111111',
  email: 'w@x.test',
  name: 'Wanda Writer',
  role: 'writer',
};
export const ADMIN = {
  id: '22222222-2222-4222-8222-222222222222',
  email: 'a@x.test',
  name: 'Ada Admin',
  role: 'admin',
};
