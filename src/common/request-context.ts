import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Request metadata for the request being served: its id and the client IP (set by the onRequest hook, read by
 * the audit log). It never says who acts: the actor is an argument of every write (`@CurrentUser()` in handlers).
 */
export interface RequestContext {
  requestId: string;
  ip: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequest = (): RequestContext | undefined => requestContext.getStore();
