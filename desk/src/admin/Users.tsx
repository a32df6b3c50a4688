import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/http';
import type { components } from '../api/schema';
import { ConfirmDialog, Dialog, ErrorAlert, LoadMore, useDateTime, useKeysetList } from './ui';

type User = components['schemas']['UserResponse'];
type Role = User['role'];
const ROLES: Role[] = ['writer', 'editor', 'admin'];
const USERS = ['admin', 'users'] as const;

export function Users() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const when = useDateTime();
  const [creating, setCreating] = useState(false);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const { query, items } = useKeysetList<User>(USERS, (cursor, signal) =>
    unwrap(api.GET('/api/v1/users', { params: { query: { limit: 50, cursor } }, signal })),
  );
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { role?: Role; active?: boolean } }) =>
      unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: USERS });
      setDeactivating(null);
    },
  });

  return (
    <section>
      <h1>{t('nav.users')}</h1>
      <p>
        <button type="button" onClick={() => setCreating(true)}>
          {t('admin.users.new')}
        </button>
      </p>
      <ErrorAlert error={query.error} />
      {!deactivating && <ErrorAlert error={update.error} />}
      {items.length > 0 && (
        <table className="admin">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('admin.email')}</th>
              <th scope="col">{t('admin.users.role')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.users.lastLogin')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>
                  <select
                    aria-label={t('admin.users.roleOf', { name: u.name })}
                    value={u.role}
                    disabled={update.isPending}
                    onChange={(e) => update.mutate({ id: u.id, body: { role: e.target.value as Role } })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`roles.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.active ? t('admin.active') : t('admin.inactive')}</td>
                <td>{when(u.lastLoginAt)}</td>
                <td>
                  {u.active ? (
                    <button
                      type="button"
                      aria-label={t('admin.deactivateNamed', { name: u.name })}
                      onClick={() => setDeactivating(u)}
                    >
                      {t('admin.deactivate')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      aria-label={t('admin.reactivateNamed', { name: u.name })}
                      onClick={() => update.mutate({ id: u.id, body: { active: true } })}
                    >
                      {t('admin.reactivate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={query} />
      {creating && <UserForm onClose={() => setCreating(false)} />}
      {deactivating && (
        <ConfirmDialog
          title={t('admin.deactivateNamed', { name: deactivating.name })}
          message={t('admin.users.deactivateText', { name: deactivating.name })}
          confirm={t('admin.deactivate')}
          busy={update.isPending}
          error={update.error}
          onConfirm={() => update.mutate({ id: deactivating.id, body: { active: false } })}
          onCancel={() => setDeactivating(null)}
        />
      )}
    </section>
  );
}

function UserForm({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('writer');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/users', { body: { email: email.trim(), name: name.trim(), role, password } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: USERS });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title={t('admin.users.new')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <label>
          {t('admin.email')}
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('admin.name')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('admin.users.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.users.password')}
          <input
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorAlert error={create.error} />
        <p className="actions">
          <button type="button" onClick={onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" disabled={create.isPending}>
            {t('admin.users.create')}
          </button>
        </p>
      </form>
    </Dialog>
  );
}
