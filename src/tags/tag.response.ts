import { ApiProperty } from '@nestjs/swagger';
import { TAG_KINDS, type Tag, type TagKind } from './tag.entity';

/** A tag with its aliases, as the service loads it for single-tag routes. */
export interface TagWithAliases {
  tag: Tag;
  aliases: string[];
}

export class TagResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: TAG_KINDS }) kind: TagKind;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true }) externalUri: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TagDetailResponse extends TagResponse {
  @ApiProperty({ type: [String], description: 'Old slugs (of merged tags or earlier slugs) resolving here' })
  aliases: string[];
}

export class TagLookupResponse extends TagDetailResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The requested slug when it was an alias of this tag, else null',
  })
  aliasOf: string | null;
}

export class TagPageResponse {
  @ApiProperty({ type: [TagResponse] }) data: TagResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
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
