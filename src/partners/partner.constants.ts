/** How a subscription's tags match a story: any one of them, or all of them. */
export const TAG_MATCHES = ['any', 'all'] as const;
export type TagMatch = (typeof TAG_MATCHES)[number];

/** How a version reached a partner: its webhook's delivery succeeded (push), or its key fetched it (pull). */
export const DELIVERY_METHODS = ['push', 'pull'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** The changes a partner that received a story must acknowledge. */
export const ADVISORY_KINDS = ['kill', 'correction', 'unpublish'] as const;
export type AdvisoryKind = (typeof ADVISORY_KINDS)[number];

export const ADVISORY_STATUSES = ['open', 'acknowledged'] as const;
export type AdvisoryStatus = (typeof ADVISORY_STATUSES)[number];

/** How an advisory was acknowledged: the partner's key called the ack route, or its receiver's 2xx said so. */
export const ACK_METHODS = ['api', 'receiver'] as const;
export type AckMethod = (typeof ACK_METHODS)[number];

/** The job that re-sends an unacknowledged advisory: `{ advisoryId, step }`. */
export const ADVISORY_RESEND_QUEUE = 'partner-advisory-resend';

/** NOTIFYed (on commit) when a partner or its keys change; see the partners migration. */
export const PARTNER_CHANGED_CHANNEL = 'dateline_partner_changed';

/** Request header of a webhook delivery that carries an advisory: its id. */
export const ADVISORY_HEADER = 'dateline-advisory';
/** Response header with which a receiver acknowledges an advisory: `id=<advisory id>,v1=<hex HMAC>`. */
export const ACK_HEADER = 'dateline-ack';

export const MAX_CONTACTS = 20;
export const MAX_SUBSCRIPTION_LANGUAGES = 50;
export const MAX_SUBSCRIPTION_TAGS = 100;
export const MAX_LINKS = 50;
