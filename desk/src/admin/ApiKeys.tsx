import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/http';
import type { components } from '../api/schema';
import {
  AdminTable,
  type Column,
  ConfirmDialog,
  ErrorAlert,
  FormDialog,
  SecretDialog,
  useDateTime,
  useKeysetList,
} from './ui';

type ApiKey = components['schemas']['ApiKeyResponse'];
type Scope = ApiKey['scopes'][number];
const SCOPES: Scope[] = ['content:read', 'content:embargoed'];
const KEYS = ['admin', 'api-keys'] as const;

export function ApiKeys() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const when = useDateTime();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const list = useKeysetList<ApiKey>(KEYS, (cursor, signal) =>
    unwrap(api.GET('/api/v1/api-keys', { params: { query: { limit: 50, cursor } }, signal })),
  );
  const revoke = useMutation({
    mutationFn: (k: ApiKey) =>
      unwrap(api.POST('/api/v1/api-keys/{id}/revoke', { params: { path: { id: k.id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: KEYS });
      setRevoking(null);
    },
  });

  const columns: Column<ApiKey>[] = [
    { header: t('admin.name'), cell: (k) => k.name },
    { header: t('admin.apiKeys.prefix'), cell: (k) => <code>{k.prefix}</code> },
    { header: t('admin.apiKeys.scopes'), cell: (k) => k.scopes.join(', ') },
    {
      header: t('admin.status'),
      cell: (k) => t(`admin.apiKeys.statuses.${k.status}`, { defaultValue: k.status }),
    },
    {
      header: t('admin.apiKeys.expires'),
      cell: (k) => (k.expiresAt ? when(k.expiresAt) : t('admin.apiKeys.never')),
    },
    { header: t('admin.apiKeys.lastUsed'), cell: (k) => when(k.lastUsedAt) },
    {
      header: t('admin.actions'),
      cell: (k) =>
        k.status !== 'revoked' && (
          <button
            type="button"
            aria-label={t('admin.apiKeys.revokeNamed', { name: k.name })}
            onClick={() => setRevoking(k)}
          >
            {t('admin.apiKeys.revoke')}
          </button>
        ),
    },
  ];

  return (
    <section>
      <h1>{t('nav.apiKeys')}</h1>
      <p>
        <button type="button" onClick={() => setCreating(true)}>
          {t('admin.apiKeys.new')}
        </button>
      </p>
      <ErrorAlert error={list.query.error} />
      <AdminTable list={list} columns={columns} />
      {creating && (
        <ApiKeyForm
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setSecret(key);
          }}
        />
      )}
      {secret && (
        <SecretDialog title={t('admin.apiKeys.created')} secret={secret} onClose={() => setSecret(null)} />
      )}
      {revoking && (
        <ConfirmDialog
          title={t('admin.apiKeys.revokeNamed', { name: revoking.name })}
          message={t('admin.apiKeys.revokeText', { name: revoking.name })}
          confirm={t('admin.apiKeys.revoke')}
          busy={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate(revoking)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  );
}

function ApiKeyForm({ onClose, onCreated }: { onClose(): void; onCreated(key: string): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['content:read']);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/api-keys', {
          body: {
            name: name.trim(),
            scopes,
            ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: async (created) => {
      // The key is only in this answer: it goes straight to the dialog and is not kept anywhere else.
      onCreated(created.key);
      await client.invalidateQueries({ queryKey: KEYS });
    },
  });
  const toggle = (s: Scope, on: boolean) => setScopes(on ? [...scopes, s] : scopes.filter((x) => x !== s));
  return (
    <FormDialog
      title={t('admin.apiKeys.new')}
      submit={t('admin.apiKeys.create')}
      busy={create.isPending}
      error={create.error}
      onSubmit={() => create.mutate()}
      onClose={onClose}
    >
      <label>
        {t('admin.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset>
        <legend>{t('admin.apiKeys.scopes')}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="inline">
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={(e) => toggle(s, e.target.checked)}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <label>
        {t('admin.apiKeys.expiresAt')}
        <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </label>
    </FormDialog>
  );
}
