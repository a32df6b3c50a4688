import type { AuthorResponse } from './author.dto';
import type { Author } from './author.entity';

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
