import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting and from where, for the request being served (set by hooks, read by the audit log). */
export interface RequestContext {
  requestId: string;
  ip: string;
  actorId?: string;
  actorEmail?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequest = (): RequestContext | undefined => requestContext.getStore();
