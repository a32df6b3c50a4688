import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap } from '../api/http';
import { queryKeys } from '../api/keys';
import type { components } from '../api/schema';

export const CHANGES_INTERVAL_MS = 3000;

type Change = components['schemas']['NewsroomChangeResponse'];

/** The cached queries that show what a change touched. */
function touched(c: Change): QueryKey[] {
  switch (c.entityType) {
    case 'article':
      return [queryKeys.stories, queryKeys.story(c.entityId)];
    // Story lists show tag and author names.
    case 'tag':
      return [queryKeys.tags, queryKeys.stories];
    case 'author':
      return [queryKeys.authors, queryKeys.stories];
    case 'media':
      return [queryKeys.pictures];
  }
}

/** Changes after `after`, or (null) only the current position. */
const getChanges = (after: string | null, signal: AbortSignal) =>
  unwrap(
    api.GET('/api/v1/newsroom/changes', {
      params: { query: after === null ? {} : { after, limit: 100 } },
      signal,
    }),
  );

/**
 * Polls GET /api/v1/newsroom/changes while the desk is open: the first call only learns the current
 * position, later ones ask for what came after it. Every change to a story (an edit, any workflow
 * action), a tag, an author or a picture refreshes the lists and the open story that show it. On an
 * error it just tries again next tick.
 */
export function useNewsroomChanges(intervalMs = CHANGES_INTERVAL_MS): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let last: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = new AbortController();

    async function tick() {
      try {
        const page = await getChanges(last, abort.signal);
        if (abort.signal.aborted) return;
        if (last !== null) {
          const keys = new Map(page.data.flatMap(touched).map((k) => [JSON.stringify(k), k]));
          for (const queryKey of keys.values()) await queryClient.invalidateQueries({ queryKey });
        }
        last = page.meta.last;
      } catch {
        // The next tick retries; the lists keep what they have.
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void tick(), intervalMs);
    }
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [queryClient, intervalMs]);
}
