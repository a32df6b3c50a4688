import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HttpError } from '../api/errors';
import { api, unwrap } from '../api/http';
import type { components } from '../api/schema';
import {
  AdminTable,
  type Column,
  ConfirmDialog,
  ErrorAlert,
  FormDialog,
  SecretDialog,
  orNull,
  useDateTime,
  useKeysetList,
} from './ui';

type Webhook = components['schemas']['WebhookResponse'];
type Delivery = components['schemas']['DeliveryResponse'];
type DeliveryStatus = Delivery['status'];
export const EVENTS = [
  '*',
  'article.published',
  'article.updated',
  'article.corrected',
  'article.clarified',
  'article.unpublished',
  'article.killed',
  'article.scheduled',
  'article.unscheduled',
  'article.embargo_lifted',
  'advisory.overdue',
] as const;
const HOOKS = ['admin', 'webhooks'] as const;

type Confirm = { kind: 'rotate' | 'disable' | 'delete'; hook: Webhook };

export function Webhooks() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [open, setOpen] = useState<Webhook | null>(null);
  const list = useKeysetList<Webhook>(HOOKS, (cursor, signal) =>
    unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: 50, cursor } }, signal })),
  );
  const act = useMutation({
    mutationFn: async ({ kind, hook }: Confirm): Promise<string | null> => {
      const params = { path: { id: hook.id } };
      if (kind === 'rotate')
        return (await unwrap(api.POST('/api/v1/webhooks/{id}/rotate-secret', { params }))).secret;
      if (kind === 'disable') await unwrap(api.POST('/api/v1/webhooks/{id}/disable', { params }));
      else {
        const { error, response } = await api.DELETE('/api/v1/webhooks/{id}', { params });
        if (!response.ok) throw new HttpError(response.status, error ?? null);
        if (open?.id === hook.id) setOpen(null);
      }
      return null;
    },
    onSuccess: async (newSecret) => {
      setConfirm(null);
      if (newSecret) setSecret(newSecret);
      await client.invalidateQueries({ queryKey: HOOKS });
    },
  });
  const resume = useMutation({
    mutationFn: (hook: Webhook) =>
      unwrap(
        api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } }, body: { active: true } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: HOOKS }),
  });

  const columns: Column<Webhook>[] = [
    { header: t('admin.webhooks.url'), cell: (h) => h.url },
    { header: t('admin.webhooks.events'), cell: (h) => h.events.join(', ') },
    {
      header: t('admin.status'),
      cell: (h) => (h.active ? t('admin.active') : t('admin.webhooks.disabled')),
    },
    {
      header: t('admin.actions'),
      className: 'row-actions',
      cell: (h) => (
        <>
          <button
            type="button"
            aria-label={t('admin.webhooks.deliveriesOf', { url: h.url })}
            onClick={() => setOpen(h)}
          >
            {t('admin.webhooks.deliveries')}
          </button>
          <button
            type="button"
            aria-label={t('admin.webhooks.rotateOf', { url: h.url })}
            onClick={() => setConfirm({ kind: 'rotate', hook: h })}
          >
            {t('admin.webhooks.rotate')}
          </button>
          {h.active ? (
            <button
              type="button"
              aria-label={t('admin.webhooks.disableOf', { url: h.url })}
              onClick={() => setConfirm({ kind: 'disable', hook: h })}
            >
              {t('admin.webhooks.disable')}
            </button>
          ) : (
            <button
              type="button"
              aria-label={t('admin.webhooks.resumeOf', { url: h.url })}
              onClick={() => resume.mutate(h)}
            >
              {t('admin.webhooks.resume')}
            </button>
          )}
          <button
            type="button"
            aria-label={t('admin.webhooks.deleteOf', { url: h.url })}
            onClick={() => setConfirm({ kind: 'delete', hook: h })}
          >
            {t('admin.delete')}
          </button>
        </>
      ),
    },
  ];

  return (
    <section>
      <h1>{t('nav.webhooks')}</h1>
      <p>
        <button type="button" onClick={() => setCreating(true)}>
          {t('admin.webhooks.new')}
        </button>
      </p>
      <ErrorAlert error={list.query.error ?? resume.error} />
      <AdminTable list={list} columns={columns} />
      {open && <Deliveries hook={open} />}
      {creating && (
        <WebhookForm
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s);
          }}
        />
      )}
      {secret && (
        <SecretDialog
          title={t('admin.webhooks.secretTitle')}
          secret={secret}
          onClose={() => setSecret(null)}
        />
      )}
      {confirm && (
        <ConfirmDialog
          title={t(`admin.webhooks.confirm.${confirm.kind}`, { url: confirm.hook.url })}
          message={t(`admin.webhooks.confirmText.${confirm.kind}`)}
          confirm={t(`admin.webhooks.${confirm.kind === 'delete' ? 'deleteIt' : confirm.kind}`)}
          busy={act.isPending}
          error={act.error}
          onConfirm={() => act.mutate(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  );
}

function Deliveries({ hook }: { hook: Webhook }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const when = useDateTime();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const key = [...HOOKS, hook.id, 'deliveries', status];
  const list = useKeysetList<Delivery>(key, (cursor, signal) =>
    unwrap(
      api.GET('/api/v1/webhooks/{id}/deliveries', {
        params: { path: { id: hook.id }, query: { limit: 50, cursor, status: status || undefined } },
        signal,
      }),
    ),
  );
  const redeliver = useMutation({
    mutationFn: (d: Delivery) =>
      unwrap(
        api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
          params: { path: { id: hook.id, deliveryId: d.id } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: [...HOOKS, hook.id, 'deliveries'] }),
  });
  const columns: Column<Delivery>[] = [
    { header: t('admin.webhooks.event'), cell: (d) => d.eventType },
    { header: t('admin.status'), cell: (d) => t(`admin.webhooks.statuses.${d.status}`) },
    { header: t('admin.webhooks.attempts'), cell: (d) => d.attempts },
    { header: t('admin.webhooks.lastResult'), cell: (d) => d.lastStatusCode ?? d.lastError ?? '—' },
    { header: t('admin.webhooks.created'), cell: (d) => when(d.createdAt) },
    {
      header: t('admin.actions'),
      cell: (d) => (
        <button
          type="button"
          disabled={redeliver.isPending}
          aria-label={t('admin.webhooks.redeliverOf', { id: d.id })}
          onClick={() => redeliver.mutate(d)}
        >
          {t('admin.webhooks.redeliver')}
        </button>
      ),
    },
  ];
  return (
    <section aria-label={t('admin.webhooks.deliveriesOf', { url: hook.url })}>
      <h2>{t('admin.webhooks.deliveriesOf', { url: hook.url })}</h2>
      <label>
        {t('admin.status')}
        <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
          <option value="">{t('admin.any')}</option>
          {(['pending', 'succeeded', 'failed'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`admin.webhooks.statuses.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorAlert error={list.query.error ?? redeliver.error} />
      <AdminTable list={list} columns={columns} />
    </section>
  );
}

function WebhookForm({ onClose, onCreated }: { onClose(): void; onCreated(secret: string): void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['article.published']);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/webhooks', {
          body: { url: url.trim(), events: events as Webhook['events'], description: orNull(description) },
        }),
      ),
    onSuccess: async (created) => {
      onCreated(created.secret);
      await client.invalidateQueries({ queryKey: HOOKS });
    },
  });
  const toggle = (ev: string, on: boolean) =>
    setEvents(on ? [...events, ev] : events.filter((x) => x !== ev));
  return (
    <FormDialog
      title={t('admin.webhooks.new')}
      submit={t('admin.webhooks.create')}
      busy={create.isPending}
      error={create.error}
      onSubmit={() => create.mutate()}
      onClose={onClose}
    >
      <label>
        {t('admin.webhooks.url')}
        <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label>
        {t('admin.description')}
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset>
        <legend>{t('admin.webhooks.events')}</legend>
        {EVENTS.map((ev) => (
          <label key={ev} className="inline">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => toggle(ev, e.target.checked)}
            />
            {ev === '*' ? t('admin.webhooks.allEvents') : ev}
          </label>
        ))}
      </fieldset>
    </FormDialog>
  );
}
