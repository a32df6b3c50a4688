import { randomBytes } from 'node:crypto';

/** Delivery work for one webhook, starting with one article's lane: `{ webhookId, articleId }`. */
export const DELIVER_QUEUE = 'webhook-deliver';

export interface DeliverJob {
  webhookId: string;
  articleId: string | null;
}

/** Deliveries of one webhook in flight at once (requests its receiver may see together). */
export const MAX_IN_FLIGHT_PER_WEBHOOK = 8;

/**
 * Delivery rounds (worker slots) of one webhook running at once, so one slow or dead receiver holds few
 * of an instance's DELIVER_CONCURRENCY workers.
 */
export const MAX_ROUNDS_PER_WEBHOOK = 3;

/**
 * Delivery jobs that resuming a webhook queues for its pending lanes: a running round goes on to what was
 * queued meanwhile, so a second job is only a spare.
 */
export const JOBS_PER_WEBHOOK = 2;

/** Parallel delivery workers (job engine) on each instance. */
export const DELIVER_CONCURRENCY = 8;

/**
 * Delivery runs each instance starts in-process, right after its dispatch commits (further webhooks wait
 * for a free one).
 */
export const LOCAL_DELIVER_CONCURRENCY = 8;

/**
 * The backstop job a dispatch queues per webhook, for deliveries the dispatching instance does not send
 * (it crashed first): at most one per webhook per window of this many seconds, and it starts
 * FALLBACK_DELAY_SECONDS after it is queued, past the end of its window, so it sees the deliveries of
 * every dispatch that found it already queued.
 */
export const FALLBACK_WINDOW_SECONDS = 2;
export const FALLBACK_DELAY_SECONDS = 4;

/** A generated signing secret: 32 random bytes, base64url, with a recognisable prefix. */
export const generateSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** Queued events dispatched per transaction. */
export const DISPATCH_BATCH_SIZE = 100;

/** NOTIFYed (on commit) when an event is queued for dispatch; see the webhook dispatch queue migration. */
export const WEBHOOK_DISPATCH_CHANNEL = 'dateline_webhook_dispatch';
