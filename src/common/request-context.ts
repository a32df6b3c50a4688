/**
 * Where a request came from: its id and the client IP, recorded on the audit rows of what it changed. It
 * travels explicitly: on the signed-in staff member the auth guard puts on the request (`Actor.request`),
 * or beside a 'system' actor that acts for a request (a partner's acknowledgement). Nothing request-local is
 * kept implicitly: request-local storage, once enabled, puts promise hooks on every promise of every request.
 */
export interface RequestMeta {
  requestId: string;
  ip: string;
}

/** The request metadata of a Fastify request. */
export const requestMetaOf = (req: { id: string; ip: string }): RequestMeta => ({
  requestId: req.id,
  ip: req.ip,
});
