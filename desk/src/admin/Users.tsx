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
  useDateTime,
  useKeysetList,
} from './ui';

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
  const list = useKeysetList<User>(USERS, (cursor, signal) =>
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

  const columns: Column<User>[] = [
    { header: t('admin.name'), cell: (u) => u.name },
    { header: t('admin.email'), cell: (u) => u.email },
    {
      header: t('admin.users.role'),
      cell: (u) => (
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
      ),
    },
    { header: t('admin.status'), cell: (u) => (u.active ? t('admin.active') : t('admin.inactive')) },
    { header: t('admin.users.lastLogin'), cell: (u) => when(u.lastLoginAt) },
    {
      header: t('admin.actions'),
      cell: (u) =>
        u.active ? (
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
        ),
    },
  ];

  return (
    <section>
      <h1>{t('nav.users')}</h1>
      <p>
        <button type="button" onClick={() => setCreating(true)}>
          {t('admin.users.new')}
        </button>
      </p>
      <ErrorAlert error={list.query.error} />
      {!deactivating && <ErrorAlert error={update.error} />}
      {/* The signed-in admin is always listed. */}
      <AdminTable list={list} columns={columns} empty={null} />
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
  return (
    <FormDialog
      title={t('admin.users.new')}
      submit={t('admin.users.create')}
      busy={create.isPending}
      error={create.error}
      onSubmit={() => create.mutate()}
      onClose={onClose}
    >
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
    </FormDialog>
  );
}
