import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/http';
import { queryKeys } from '../api/keys';
import { LookupFilter, type LookupItem } from './LookupFilter';
import {
  STATUSES,
  type StoryFilters,
  type StoryStatus,
  filtersFromSearch,
  searchFromFilters,
} from './filters';

export const PAGE_SIZE = 50;

async function searchTags(q: string): Promise<LookupItem[]> {
  const page = await unwrap(api.GET('/api/v1/tags', { params: { query: { q, limit: 20 } } }));
  return page.data.map((t) => ({ id: t.id, name: t.name }));
}
async function resolveTag(id: string): Promise<LookupItem> {
  const t = await unwrap(api.GET('/api/v1/tags/{id}', { params: { path: { id } } }));
  return { id: t.id, name: t.name };
}
async function searchAuthors(q: string): Promise<LookupItem[]> {
  const page = await unwrap(api.GET('/api/v1/authors', { params: { query: { q, limit: 20 } } }));
  return page.data.map((a) => ({ id: a.id, name: a.name }));
}
async function resolveAuthor(id: string): Promise<LookupItem> {
  const a = await unwrap(api.GET('/api/v1/authors/{id}', { params: { path: { id } } }));
  return { id: a.id, name: a.name };
}

export function StoriesList() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromSearch(params);
  const set = (patch: Partial<StoryFilters>) =>
    setParams(searchFromFilters({ ...filters, ...patch }), { replace: true });

  // The search box waits for a pause in typing before it changes the query.
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => {
    if (q.trim() === (filters.q ?? '')) return;
    const timer = setTimeout(() => set({ q: q.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  });

  const list = useInfiniteQuery({
    queryKey: queryKeys.storyList(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/articles', {
          params: { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    // The schema types `meta` loosely (an example, not a class): the field is nextCursor.
    getNextPageParam: (last) => (last.meta as { nextCursor?: string | null }).nextCursor ?? undefined,
  });
  const stories = list.data?.pages.flatMap((p) => p.data) ?? [];
  const time = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <section>
      <h1>{t('stories.title')}</h1>
      <p>
        <button type="button" onClick={() => void navigate('/stories/new')}>
          {t('stories.new')}
        </button>
      </p>
      <form
        className="filters"
        role="search"
        aria-label={t('stories.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          {t('stories.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          {t('stories.status')}
          <select
            value={filters.status ?? ''}
            onChange={(e) => set({ status: (e.target.value || undefined) as StoryStatus | undefined })}
          >
            <option value="">{t('stories.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('stories.language')}
          <input
            value={filters.language ?? ''}
            size={6}
            placeholder="en"
            onChange={(e) => set({ language: e.target.value.trim() || undefined })}
          />
        </label>
        <LookupFilter
          label={t('stories.tag')}
          value={filters.tag}
          queryKey={queryKeys.tags}
          search={searchTags}
          resolve={resolveTag}
          onChange={(tag) => set({ tag })}
        />
        <LookupFilter
          label={t('stories.author')}
          value={filters.author}
          queryKey={queryKeys.authors}
          search={searchAuthors}
          resolve={resolveAuthor}
          onChange={(author) => set({ author })}
        />
        <label className="inline">
          <input
            type="checkbox"
            checked={filters.mine ?? false}
            onChange={(e) => set({ mine: e.target.checked || undefined })}
          />
          {t('stories.mine')}
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={filters.stale ?? false}
            onChange={(e) => set({ stale: e.target.checked || undefined })}
          />
          {t('stories.stale')}
        </label>
        <button type="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
          {t('stories.clear')}
        </button>
      </form>

      {list.isError && <p role="alert">{t('stories.error', { message: list.error.message })}</p>}
      {list.isPending && <p>{t('app.loading')}</p>}
      {list.isSuccess && stories.length === 0 && <p>{t('stories.empty')}</p>}
      {stories.length > 0 && (
        <table className="stories">
          <thead>
            <tr>
              <th scope="col">{t('stories.headline')}</th>
              <th scope="col">{t('stories.status')}</th>
              <th scope="col">{t('stories.language')}</th>
              <th scope="col">{t('stories.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {stories.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/stories/${s.id}`}>{s.headline}</Link>
                  {s.translationOf?.stale && (
                    <>
                      {' '}
                      <span className="badge stale">{t('stories.staleBadge')}</span>
                    </>
                  )}
                </td>
                <td>
                  <span className={`status status-${s.status}`}>{t(`status.${s.status}`)}</span>
                </td>
                <td lang={s.language}>{s.language}</td>
                <td>
                  <time dateTime={s.updatedAt}>{time.format(new Date(s.updatedAt))}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stories.length > 0 && <p aria-live="polite">{t('stories.count', { count: stories.length })}</p>}
      {list.hasNextPage && (
        <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {list.isFetchingNextPage ? t('stories.loadingMore') : t('stories.loadMore')}
        </button>
      )}
    </section>
  );
}
