import type { operations } from '../api/schema';

export type ListQuery = NonNullable<operations['ArticlesController_list']['parameters']['query']>;
export type StoryStatus = NonNullable<ListQuery['status']>;

export const STATUSES = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'published',
  'unpublished',
  'killed',
  'spiked',
] as const satisfies readonly StoryStatus[];
// Fails to compile when the server adds a status the desk does not list.
const allListed: Exclude<StoryStatus, (typeof STATUSES)[number]> extends never ? true : false = true;
void allListed;

/** The list filters as they live in the URL (?status=draft&mine=1&q=…), so a filtered view can be linked. */
export interface StoryFilters {
  status?: StoryStatus;
  mine?: boolean;
  language?: string;
  tag?: string;
  author?: string;
  q?: string;
  /** Only translations whose source changed since the version they match */
  stale?: boolean;
}

export function filtersFromSearch(params: URLSearchParams): StoryFilters {
  const f: StoryFilters = {};
  const status = params.get('status');
  if (status && (STATUSES as readonly string[]).includes(status)) f.status = status as StoryStatus;
  if (params.get('mine') === '1') f.mine = true;
  if (params.get('stale') === '1') f.stale = true;
  for (const key of ['language', 'tag', 'author', 'q'] as const) {
    const v = params.get(key)?.trim();
    if (v) f[key] = v;
  }
  return f;
}

export function searchFromFilters(f: StoryFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status) p.set('status', f.status);
  if (f.mine) p.set('mine', '1');
  if (f.stale) p.set('stale', '1');
  for (const key of ['language', 'tag', 'author', 'q'] as const) if (f[key]) p.set(key, f[key]);
  return p;
}
