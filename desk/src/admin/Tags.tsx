import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/http';
import { queryKeys } from '../api/keys';
import type { components } from '../api/schema';
import {
  AdminTable,
  type Column,
  ConfirmDialog,
  Dialog,
  ErrorAlert,
  FilterBar,
  FormDialog,
  orNull,
  useKeysetList,
} from './ui';

type Tag = components['schemas']['TagResponse'];
type TagKind = Tag['kind'];
export const TAG_KINDS: TagKind[] = ['topic', 'place', 'organisation', 'person', 'event'];

export function Tags() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<TagKind | ''>('');
  const [editing, setEditing] = useState<Tag | 'new' | null>(null);
  const [merging, setMerging] = useState<Tag | null>(null);
  const filters = { q: q.trim() || undefined, kind: kind || undefined };
  const list = useKeysetList<Tag>([...queryKeys.tags, 'admin', filters], (cursor, signal) =>
    unwrap(api.GET('/api/v1/tags', { params: { query: { ...filters, limit: 50, cursor } }, signal })),
  );

  const columns: Column<Tag>[] = [
    { header: t('admin.name'), cell: (tag) => tag.name },
    { header: t('admin.slug'), cell: (tag) => tag.slug },
    { header: t('admin.tags.kind'), cell: (tag) => t(`admin.tags.kinds.${tag.kind}`) },
    {
      header: t('admin.actions'),
      cell: (tag) => (
        <>
          <button
            type="button"
            aria-label={t('admin.editNamed', { name: tag.name })}
            onClick={() => setEditing(tag)}
          >
            {t('admin.edit')}
          </button>{' '}
          <button
            type="button"
            aria-label={t('admin.tags.mergeNamed', { name: tag.name })}
            onClick={() => setMerging(tag)}
          >
            {t('admin.tags.merge')}
          </button>
        </>
      ),
    },
  ];

  return (
    <section>
      <h1>{t('nav.tags')}</h1>
      <FilterBar>
        <label>
          {t('admin.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          {t('admin.tags.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as TagKind | '')}>
            <option value="">{t('admin.tags.anyKind')}</option>
            {TAG_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`admin.tags.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setEditing('new')}>
          {t('admin.tags.new')}
        </button>
      </FilterBar>
      <ErrorAlert error={list.query.error} />
      <AdminTable list={list} columns={columns} />
      {editing && <TagForm tag={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {merging && <MergeDialog source={merging} onClose={() => setMerging(null)} />}
    </section>
  );
}

function TagForm({ tag, onClose }: { tag: Tag | null; onClose(): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(tag?.name ?? '');
  const [slug, setSlug] = useState(tag?.slug ?? '');
  const [kind, setKind] = useState<TagKind>(tag?.kind ?? 'topic');
  const [description, setDescription] = useState(tag?.description ?? '');
  const [externalUri, setExternalUri] = useState(tag?.externalUri ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: name.trim(),
        kind,
        description: orNull(description),
        externalUri: orNull(externalUri),
        ...(slug.trim() ? { slug: slug.trim() } : {}),
      };
      return tag
        ? unwrap(api.PATCH('/api/v1/tags/{id}', { params: { path: { id: tag.id } }, body }))
        : unwrap(api.POST('/api/v1/tags', { body }));
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.tags });
      onClose();
    },
  });
  return (
    <FormDialog
      title={tag ? t('admin.tags.editTitle', { name: tag.name }) : t('admin.tags.new')}
      submit={t('admin.save')}
      busy={save.isPending}
      error={save.error}
      onSubmit={() => save.mutate()}
      onClose={onClose}
    >
      <label>
        {t('admin.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('admin.slug')}
        <input value={slug} placeholder={t('admin.slugAuto')} onChange={(e) => setSlug(e.target.value)} />
      </label>
      <label>
        {t('admin.tags.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as TagKind)}>
          {TAG_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`admin.tags.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('admin.description')}
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        {t('admin.tags.externalUri')}
        <input type="url" value={externalUri} onChange={(e) => setExternalUri(e.target.value)} />
      </label>
    </FormDialog>
  );
}

/** Pick the tag to merge into, then confirm: the source's uses move and its slug becomes an alias. */
function MergeDialog({ source, onClose }: { source: Tag; onClose(): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [q, setQ] = useState('');
  const [target, setTarget] = useState<Tag | null>(null);
  const [confirming, setConfirming] = useState(false);
  const candidates = useQuery({
    queryKey: [...queryKeys.tags, 'merge-candidates', q.trim()],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/tags', { params: { query: { q: q.trim(), limit: 20 } }, signal })),
    enabled: q.trim().length > 0,
  });
  const merge = useMutation({
    mutationFn: (into: Tag) =>
      unwrap(
        api.POST('/api/v1/tags/{id}/merge', { params: { path: { id: source.id } }, body: { into: into.id } }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.tags });
      onClose();
    },
  });
  const options = (candidates.data?.data ?? []).filter((c) => c.id !== source.id);

  if (confirming && target)
    return (
      <ConfirmDialog
        title={t('admin.tags.confirmTitle')}
        message={t('admin.tags.confirmText', { from: source.name, into: target.name, slug: source.slug })}
        confirm={t('admin.tags.merge')}
        busy={merge.isPending}
        error={merge.error}
        onConfirm={() => merge.mutate(target)}
        onCancel={() => setConfirming(false)}
      />
    );
  return (
    <Dialog title={t('admin.tags.mergeTitle', { name: source.name })} onClose={onClose}>
      <label>
        {t('admin.tags.findTarget')}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <ErrorAlert error={candidates.error} />
      <fieldset>
        <legend>{t('admin.tags.into')}</legend>
        {options.map((c) => (
          <label key={c.id} className="inline">
            <input
              type="radio"
              name="merge-into"
              checked={target?.id === c.id}
              onChange={() => setTarget(c)}
            />
            {`${c.name} (${t(`admin.tags.kinds.${c.kind}`)}, ${c.slug})`}
          </label>
        ))}
        {candidates.isSuccess && options.length === 0 && <p>{t('admin.empty')}</p>}
      </fieldset>
      <p className="actions">
        <button type="button" onClick={onClose}>
          {t('admin.cancel')}
        </button>
        <button type="button" disabled={!target} onClick={() => setConfirming(true)}>
          {t('admin.tags.mergeNext')}
        </button>
      </p>
    </Dialog>
  );
}
