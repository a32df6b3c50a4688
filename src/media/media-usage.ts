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
  /** The story's workflow status (draft, in_review, approved, scheduled, published…). */
  status: string;
}

/** Stories in these states are on their way to readers (or with them): their pictures must stay publishable. */
const PUBLISHING_STATES = new Set(['approved', 'scheduled', 'published']);

/**
 * 409 when an edit would take the alt text or credit away from a picture that an approved, scheduled or
 * published story shows: publishing checks both, so a scheduled publication would otherwise be refused when
 * it comes due, and a live story would be re-rendered without them.
 */
export async function assertStillPublishable(
  usage: MediaUsage,
  em: EntityManager,
  mediaId: string,
  cleared: readonly string[],
): Promise<void> {
  if (cleared.length === 0) return;
  const stories = (await usage.storiesUsing(em, mediaId)).filter((s) => PUBLISHING_STATES.has(s.status));
  if (stories.length === 0) return;
  throw conflict(
    `The picture needs ${cleared.join(' and ')} while ${stories.length === 1 ? 'a story' : 'stories'} on the way to readers show${stories.length === 1 ? 's' : ''} it: ${stories
      .map((s) => `"${s.headline}" (${s.id}, ${s.status})`)
      .join(', ')}`,
    { fields: cleared, stories },
  );
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
    { stories: stories.map(({ id, headline }) => ({ id, headline })) },
  );
}
