import { ApiProperty } from '@nestjs/swagger';
import type { Author } from './author.entity';

export class AuthorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ type: String, nullable: true }) bio: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class AuthorPageResponse {
  @ApiProperty({ type: [AuthorResponse] }) data: AuthorResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export function toAuthorResponse(a: Author): AuthorResponse {
  return {
    id: a.id,
    name: a.name,
    slug: a.slug,
    title: a.title,
    bio: a.bio,
    email: a.email,
    avatarUrl: a.avatarUrl,
    userId: a.userId,
    active: a.active,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
