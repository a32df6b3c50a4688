// Kept apart from the entities so the renderer can name them without importing the entities, which in
// turn name the renderer's document types.
export const NOTICE_KINDS = ['correction', 'clarification', 'update', 'kill', 'embargo_lift'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const PUBLICATION_STATUSES = ['live', 'unpublished', 'killed'] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];
