import type { TagDetailResponse, TagLookupResponse, TagResponse } from './tag.dto';
import type { Tag } from './tag.entity';

/** A tag with its aliases, as the service loads it for single-tag routes. */
export interface TagWithAliases {
  tag: Tag;
  aliases: string[];
}

export function toTagResponse(t: Tag): TagResponse {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    kind: t.kind,
    description: t.description,
    externalUri: t.externalUri,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function toTagDetailResponse({ tag, aliases }: TagWithAliases): TagDetailResponse {
  return { ...toTagResponse(tag), aliases };
}

export function toTagLookupResponse(found: TagWithAliases & { aliasOf: string | null }): TagLookupResponse {
  return { ...toTagDetailResponse(found), aliasOf: found.aliasOf };
}
