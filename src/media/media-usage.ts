import type { EntityManager } from 'typeorm';
import { conflict } from '../common/errors';

/**
 * Which stories use a picture. The media module declares it and the articles module provides it
 * (ArticleMediaUsage), so the library never reads the articles' tables and neither module imports the other's
 * services.
 */
export const MEDIA_USAGE = Symbol('MEDIA_USAGE');

export interface StoryRef {
  id: string;
  headline: string;
}

export interface MediaUsage {
  /** Stories whose working copy or live public document shows the picture, in the caller's transaction. */
  storiesUsing(em: EntityManager, mediaId: string): Promise<StoryRef[]>;
}

/** 409 naming every story (id and headline) that uses the picture: a picture in use cannot be deleted. */
export async function assertMediaUnused(
  usage: MediaUsage,
  em: EntityManager,
  mediaId: string,
): Promise<void> {
  const stories = await usage.storiesUsing(em, mediaId);
  if (stories.length === 0) return;
  throw conflict(
    `The picture is used by ${stories.length} ${stories.length === 1 ? 'story' : 'stories'}: ${stories
      .map((s) => `"${s.headline}" (${s.id})`)
      .join(', ')}`,
    { stories },
  );
}
