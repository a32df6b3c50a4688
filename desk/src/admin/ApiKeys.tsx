import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/http';
import type { components } from '../api/schema';
import { ConfirmDialog, Dialog, ErrorAlert, LoadMore, SecretDialog, useDateTime, useKeysetList } from './ui';

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
  const { query, items } = useKeysetList<ApiKey>(KEYS, (cursor, signal) =>
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

  return (
    <section>
      <h1>{t('nav.apiKeys')}</h1>
      <p>
        <button type="button" onClick={() => setCreating(true)}>
          {t('admin.apiKeys.new')}
        </button>
      </p>
      <ErrorAlert error={query.error} />
      {query.isSuccess && items.length === 0 && <p>{t('admin.empty')}</p>}
      {items.length > 0 && (
        <table className="admin">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('admin.apiKeys.prefix')}</th>
              <th scope="col">{t('admin.apiKeys.scopes')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.apiKeys.expires')}</th>
              <th scope="col">{t('admin.apiKeys.lastUsed')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{t(`admin.apiKeys.statuses.${k.status}`, { defaultValue: k.status })}</td>
                <td>{k.expiresAt ? when(k.expiresAt) : t('admin.apiKeys.never')}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  {k.status !== 'revoked' && (
                    <button
                      type="button"
                      aria-label={t('admin.apiKeys.revokeNamed', { name: k.name })}
                      onClick={() => setRevoking(k)}
                    >
                      {t('admin.apiKeys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={query} />
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const toggle = (s: Scope, on: boolean) => setScopes(on ? [...scopes, s] : scopes.filter((x) => x !== s));
  return (
    <Dialog title={t('admin.apiKeys.new')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
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
        <ErrorAlert error={create.error} />
        <p className="actions">
          <button type="button" onClick={onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" disabled={create.isPending}>
            {t('admin.apiKeys.create')}
          </button>
        </p>
      </form>
    </Dialog>
  );
}
