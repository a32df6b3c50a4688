/** The kinds a tag can have (also the PostgreSQL enum tag_kind). */
export const TAG_KINDS = ['topic', 'place', 'organisation', 'person', 'event'] as const;
export type TagKind = (typeof TAG_KINDS)[number];
