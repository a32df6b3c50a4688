import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/http';
import type { components } from '../api/schema';
import { AdminTable, type Column, ErrorAlert, FilterBar, useDateTime, useKeysetList } from './ui';

type Entry = components['schemas']['AuditEntryResponse'];
type EntityType = Entry['entityType'];
const ENTITY_TYPES: EntityType[] = [
  'user',
  'author',
  'tag',
  'article',
  'api_key',
  'webhook',
  'media',
  'partner',
  'advisory',
];

interface Filters {
  entityType?: EntityType;
  entityId?: string;
  actorId?: string;
  action?: string;
}

const actorName = (actor: unknown): string => {
  if (!actor || typeof actor !== 'object') return '';
  const a = actor as { email?: string; name?: string; id?: string };
  return a.email ?? a.name ?? a.id ?? '';
};

export function AuditLog() {
  const { t } = useTranslation();
  const when = useDateTime();
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  const users = useQuery({
    queryKey: ['admin', 'users', 'all-for-audit'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 100 } }, signal })),
    staleTime: 60_000,
  });
  const list = useKeysetList<Entry>(['admin', 'audit', filters], (cursor, signal) =>
    unwrap(api.GET('/api/v1/audit', { params: { query: { ...filters, limit: 50, cursor } }, signal })),
  );
  const set = (patch: Partial<Filters>) => setDraft({ ...draft, ...patch });
  const apply = () => {
    const clean = Object.fromEntries(
      Object.entries(draft)
        .map(([k, v]): [string, unknown] => [k, typeof v === 'string' ? v.trim() : v])
        .filter(([, v]) => v),
    ) as Filters;
    setFilters(clean);
  };

  const columns: Column<Entry>[] = [
    { header: t('admin.audit.at'), cell: (e) => when(e.at) },
    { header: t('admin.audit.actor'), cell: (e) => actorName(e.actor) || t('admin.audit.system') },
    { header: t('admin.audit.action'), cell: (e) => e.action },
    { header: t('admin.audit.entityType'), cell: (e) => e.entityType },
    { header: t('admin.audit.entityId'), cell: (e) => <code>{e.entityId}</code> },
    {
      header: t('admin.audit.details'),
      cell: (e) => <code className="details">{JSON.stringify(e.details)}</code>,
    },
  ];

  return (
    <section>
      <h1>{t('nav.audit')}</h1>
      <FilterBar onSubmit={apply}>
        <label>
          {t('admin.audit.entityType')}
          <select
            value={draft.entityType ?? ''}
            onChange={(e) => set({ entityType: (e.target.value || undefined) as EntityType | undefined })}
          >
            <option value="">{t('admin.any')}</option>
            {ENTITY_TYPES.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.entityId')}
          <input value={draft.entityId ?? ''} onChange={(e) => set({ entityId: e.target.value })} />
        </label>
        <label>
          {t('admin.audit.actor')}
          <select value={draft.actorId ?? ''} onChange={(e) => set({ actorId: e.target.value || undefined })}>
            <option value="">{t('admin.any')}</option>
            {(users.data?.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {`${u.name} <${u.email}>`}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.action')}
          <input
            value={draft.action ?? ''}
            placeholder="tag.merge"
            onChange={(e) => set({ action: e.target.value })}
          />
        </label>
        <button type="submit">{t('admin.apply')}</button>
      </FilterBar>
      <ErrorAlert error={list.query.error} />
      <AdminTable list={list} columns={columns} />
    </section>
  );
}
