import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../api/keys';
import { getChanges } from '../api/pending';

export const CHANGES_INTERVAL_MS = 3000;

/**
 * Polls GET /api/v1/newsroom/changes while the desk is open: the first call only learns the current
 * position, later ones ask for what came after it. A change refreshes the story lists and the open
 * story it names. Without the endpoint (404) or on an error it just tries again next tick.
 */
export function useNewsroomChanges(intervalMs = CHANGES_INTERVAL_MS): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let last: string | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function tick() {
      try {
        const page = await getChanges(last);
        if (page && !stopped) {
          if (last !== null && page.data.length > 0) {
            await queryClient.invalidateQueries({ queryKey: queryKeys.stories });
            for (const id of new Set(page.data.flatMap((c) => (c.articleId ? [c.articleId] : [])))) {
              await queryClient.invalidateQueries({ queryKey: queryKeys.story(id) });
            }
          }
          last = page.meta.last;
        }
      } catch {
        // The next tick retries; the lists keep what they have.
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    }
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [queryClient, intervalMs]);
}
