import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/http';
import { queryKeys } from '../api/keys';
import type { components } from '../api/schema';
import {
  AdminTable,
  type Column,
  ConfirmDialog,
  ErrorAlert,
  FilterBar,
  FormDialog,
  orNull,
  useKeysetList,
} from './ui';

type Author = components['schemas']['AuthorResponse'];

export function Authors() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Author | 'new' | null>(null);
  const [deactivating, setDeactivating] = useState<Author | null>(null);
  const filters = { q: q.trim() || undefined };
  const list = useKeysetList<Author>([...queryKeys.authors, 'admin', filters], (cursor, signal) =>
    unwrap(api.GET('/api/v1/authors', { params: { query: { ...filters, limit: 50, cursor } }, signal })),
  );
  const deactivate = useMutation({
    mutationFn: (a: Author) =>
      unwrap(api.POST('/api/v1/authors/{id}/deactivate', { params: { path: { id: a.id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.authors });
      setDeactivating(null);
    },
  });

  const columns: Column<Author>[] = [
    { header: t('admin.name'), cell: (a) => a.name },
    { header: t('admin.authors.title'), cell: (a) => a.title ?? '' },
    { header: t('admin.status'), cell: (a) => (a.active ? t('admin.active') : t('admin.inactive')) },
    {
      header: t('admin.actions'),
      cell: (a) => (
        <>
          <button
            type="button"
            aria-label={t('admin.editNamed', { name: a.name })}
            onClick={() => setEditing(a)}
          >
            {t('admin.edit')}
          </button>{' '}
          {a.active && (
            <button
              type="button"
              aria-label={t('admin.deactivateNamed', { name: a.name })}
              onClick={() => setDeactivating(a)}
            >
              {t('admin.deactivate')}
            </button>
          )}
        </>
      ),
    },
  ];

  return (
    <section>
      <h1>{t('nav.authors')}</h1>
      <FilterBar>
        <label>
          {t('admin.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="button" onClick={() => setEditing('new')}>
          {t('admin.authors.new')}
        </button>
      </FilterBar>
      <ErrorAlert error={list.query.error} />
      <AdminTable list={list} columns={columns} />
      {editing && <AuthorForm author={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {deactivating && (
        <ConfirmDialog
          title={t('admin.deactivateNamed', { name: deactivating.name })}
          message={t('admin.authors.deactivateText', { name: deactivating.name })}
          confirm={t('admin.deactivate')}
          busy={deactivate.isPending}
          error={deactivate.error}
          onConfirm={() => deactivate.mutate(deactivating)}
          onCancel={() => setDeactivating(null)}
        />
      )}
    </section>
  );
}

function AuthorForm({ author, onClose }: { author: Author | null; onClose(): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [f, setF] = useState({
    name: author?.name ?? '',
    slug: author?.slug ?? '',
    title: author?.title ?? '',
    bio: author?.bio ?? '',
    email: author?.email ?? '',
    avatarUrl: author?.avatarUrl ?? '',
  });
  const field = (k: keyof typeof f) => ({
    value: f[k],
    onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }),
  });
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: f.name.trim(),
        title: orNull(f.title),
        bio: orNull(f.bio),
        email: orNull(f.email),
        avatarUrl: orNull(f.avatarUrl),
        ...(f.slug.trim() ? { slug: f.slug.trim() } : {}),
      };
      return author
        ? unwrap(api.PATCH('/api/v1/authors/{id}', { params: { path: { id: author.id } }, body }))
        : unwrap(api.POST('/api/v1/authors', { body }));
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.authors });
      onClose();
    },
  });
  return (
    <FormDialog
      title={author ? t('admin.authors.editTitle', { name: author.name }) : t('admin.authors.new')}
      submit={t('admin.save')}
      busy={save.isPending}
      error={save.error}
      onSubmit={() => save.mutate()}
      onClose={onClose}
    >
      <label>
        {t('admin.name')}
        <input required {...field('name')} />
      </label>
      <label>
        {t('admin.slug')}
        <input placeholder={t('admin.slugAuto')} {...field('slug')} />
      </label>
      <label>
        {t('admin.authors.title')}
        <input {...field('title')} />
      </label>
      <label>
        {t('admin.authors.bio')}
        <textarea {...field('bio')} />
      </label>
      <label>
        {t('admin.email')}
        <input type="email" {...field('email')} />
      </label>
      <label>
        {t('admin.authors.avatarUrl')}
        <input type="url" {...field('avatarUrl')} />
      </label>
    </FormDialog>
  );
}
