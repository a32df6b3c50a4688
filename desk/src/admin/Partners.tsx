import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HttpError } from '../api/errors';
import { api, unwrap } from '../api/http';
import type { components } from '../api/schema';
import type { TagOption } from '../editor/api';
import { TagsField } from '../editor/TagsField';
import { ConfirmDialog, Dialog, ErrorAlert, LoadMore, orNull, useKeysetList } from './ui';

type Partner = components['schemas']['PartnerResponse'];
type Advisory = components['schemas']['AdvisoryResponse'];
type Genre = Partner['subscription']['genres'][number];
type TagMatch = Partner['subscription']['tagMatch'];
const GENRES: Genre[] = ['news', 'press_release', 'interview', 'statement', 'feature'];
const PARTNERS = ['admin', 'partners'] as const;

interface Contact {
  name: string;
  email: string;
  phone: string;
  role: string;
}

/** Languages as typed: comma or space separated, empty: every language. */
const languagesOf = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,]+/)
      .map((l) => l.trim())
      .filter(Boolean),
  ),
];

/**
 * Syndication partners: who they are, what they subscribe to, their API keys and webhooks, and the
 * advisories (kills, corrections, unpublishes of stories they received) they have not acknowledged.
 */
export function Partners() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [editing, setEditing] = useState<Partner | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Partner | null>(null);
  const [advisoriesOf, setAdvisoriesOf] = useState<Partner | null>(null);
  const { query, items } = useKeysetList<Partner>(PARTNERS, (cursor, signal) =>
    unwrap(api.GET('/api/v1/partners', { params: { query: { limit: 50, cursor } }, signal })),
  );
  const remove = useMutation({
    mutationFn: async (p: Partner) => {
      const { error, response } = await api.DELETE('/api/v1/partners/{id}', {
        params: { path: { id: p.id }, header: { 'If-Match': `"${p.version}"` } },
      });
      if (!response.ok) throw new HttpError(response.status, error ?? null);
    },
    onSuccess: async (_, p) => {
      setDeleting(null);
      if (advisoriesOf?.id === p.id) setAdvisoriesOf(null);
      await client.invalidateQueries({ queryKey: PARTNERS });
    },
  });
  const summary = (p: Partner): string => {
    const s = p.subscription;
    const parts = [
      s.languages.length > 0 ? s.languages.join(', ') : t('admin.partners.allLanguages'),
      s.genres.length > 0
        ? s.genres.map((g) => t(`admin.partners.genreNames.${g}`)).join(', ')
        : t('admin.partners.allGenres'),
      s.tags.length > 0
        ? t(`admin.partners.tagsSummary.${s.tagMatch}`, { tags: s.tags.map((x) => x.name).join(', ') })
        : t('admin.partners.allTags'),
    ];
    if (s.embargoedEarly) parts.push(t('admin.partners.early'));
    return parts.join(' · ');
  };

  return (
    <section>
      <h1>{t('nav.partners')}</h1>
      <p>
        <button type="button" onClick={() => setEditing('new')}>
          {t('admin.partners.new')}
        </button>
      </p>
      <ErrorAlert error={query.error} />
      {query.isSuccess && items.length === 0 && <p>{t('admin.empty')}</p>}
      {items.length > 0 && (
        <table className="admin">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('admin.partners.subscription')}</th>
              <th scope="col">{t('admin.partners.apiKeys')}</th>
              <th scope="col">{t('admin.partners.webhooks')}</th>
              <th scope="col">{t('admin.partners.openAdvisories')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>{summary(p)}</td>
                <td>{p.apiKeyIds.length}</td>
                <td>{p.webhookIds.length}</td>
                <td>{p.openAdvisories}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={t('admin.editNamed', { name: p.name })}
                    onClick={() => setEditing(p)}
                  >
                    {t('admin.edit')}
                  </button>
                  <button
                    type="button"
                    aria-label={t('admin.partners.advisoriesNamed', { name: p.name })}
                    onClick={() => setAdvisoriesOf(p)}
                  >
                    {t('admin.partners.advisories')}
                  </button>
                  <button
                    type="button"
                    aria-label={t('admin.partners.deleteNamed', { name: p.name })}
                    onClick={() => setDeleting(p)}
                  >
                    {t('admin.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={query} />
      {advisoriesOf && <OpenAdvisories partner={advisoriesOf} />}
      {editing && (
        <PartnerForm
          partner={editing === 'new' ? null : editing}
          others={items.filter((p) => editing === 'new' || p.id !== editing.id)}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('admin.partners.deleteNamed', { name: deleting.name })}
          message={t('admin.partners.deleteText', { name: deleting.name })}
          confirm={t('admin.delete')}
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

/** A partner's advisories not acknowledged yet, oldest first as they are most urgent. */
function OpenAdvisories({ partner }: { partner: Partner }) {
  const { t } = useTranslation();
  const { query, items } = useKeysetList<Advisory>(
    [...PARTNERS, partner.id, 'advisories'],
    (cursor, signal) =>
      unwrap(
        api.GET('/api/v1/advisories', {
          params: { query: { partnerId: partner.id, status: 'open', limit: 50, cursor } },
          signal,
        }),
      ),
  );
  return (
    <section aria-label={t('admin.partners.advisoriesOf', { name: partner.name })}>
      <h2>{t('admin.partners.advisoriesOf', { name: partner.name })}</h2>
      <ErrorAlert error={query.error} />
      {query.isSuccess && items.length === 0 && <p>{t('admin.partners.noAdvisories')}</p>}
      {items.length > 0 && <AdvisoryTable advisories={items} />}
      <LoadMore list={query} />
    </section>
  );
}

export function AdvisoryTable({ advisories }: { advisories: Advisory[] }) {
  const { t } = useTranslation();
  return (
    <table className="admin">
      <thead>
        <tr>
          <th scope="col">{t('admin.partners.story')}</th>
          <th scope="col">{t('admin.partners.kind')}</th>
          <th scope="col">{t('admin.partners.age')}</th>
          <th scope="col">{t('admin.partners.resends')}</th>
        </tr>
      </thead>
      <tbody>
        {advisories.map((a) => (
          <tr key={a.id}>
            <td>{a.article.headline ?? a.article.id}</td>
            <td>{t(`admin.partners.kinds.${a.kind}`)}</td>
            <td>
              {ageText(t, a.ageSeconds)}
              {a.overdue && <strong> {t('admin.partners.overdue')}</strong>}
            </td>
            <td>{a.resends}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "3 min", "2 h", "1 d": how long an advisory has waited. */
export function ageText(t: (key: string, o?: Record<string, unknown>) => string, seconds: number): string {
  if (seconds < 60) return t('admin.partners.ageSeconds', { n: seconds });
  if (seconds < 3600) return t('admin.partners.ageMinutes', { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t('admin.partners.ageHours', { n: Math.floor(seconds / 3600) });
  return t('admin.partners.ageDays', { n: Math.floor(seconds / 86400) });
}

function PartnerForm({
  partner,
  others,
  onClose,
}: {
  partner: Partner | null;
  others: Partner[];
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const s = partner?.subscription;
  const [name, setName] = useState(partner?.name ?? '');
  const [contacts, setContacts] = useState<Contact[]>(
    (partner?.contacts ?? []).map((c) => ({
      name: c.name,
      email: c.email ?? '',
      phone: c.phone ?? '',
      role: c.role ?? '',
    })),
  );
  const [languages, setLanguages] = useState((s?.languages ?? []).join(', '));
  const [genres, setGenres] = useState<Genre[]>(s?.genres ?? []);
  const [tags, setTags] = useState<TagOption[]>((s?.tags ?? []).map((x) => ({ ...x, kind: '' })));
  const [tagMatch, setTagMatch] = useState<TagMatch>(s?.tagMatch ?? 'any');
  const [early, setEarly] = useState(s?.embargoedEarly ?? false);
  const [keyIds, setKeyIds] = useState<string[]>(partner?.apiKeyIds ?? []);
  const [hookIds, setHookIds] = useState<string[]>(partner?.webhookIds ?? []);
  const keys = useQuery({
    queryKey: ['admin', 'api-keys', 'for-partners'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/api-keys', { params: { query: { limit: 100 } }, signal })),
  });
  const hooks = useQuery({
    queryKey: ['admin', 'webhooks', 'for-partners'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: 100 } }, signal })),
  });
  const ownerOf = (id: string, field: 'apiKeyIds' | 'webhookIds') =>
    others.find((p) => p[field].includes(id))?.name;
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: name.trim(),
        contacts: contacts
          .filter((c) => c.name.trim() !== '')
          .map((c) => ({
            name: c.name.trim(),
            email: orNull(c.email),
            phone: orNull(c.phone),
            role: orNull(c.role),
          })),
        apiKeyIds: keyIds,
        webhookIds: hookIds,
        subscription: {
          languages: languagesOf(languages),
          genres,
          tagIds: tags.map((x) => x.id),
          tagMatch,
          embargoedEarly: early,
        },
      };
      return partner
        ? unwrap(
            api.PATCH('/api/v1/partners/{id}', {
              params: { path: { id: partner.id }, header: { 'If-Match': `"${partner.version}"` } },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/partners', { body }));
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: PARTNERS });
      onClose();
    },
  });
  const stale = save.error instanceof HttpError && save.error.status === 412;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const setContact = (i: number, patch: Partial<Contact>) =>
    setContacts(contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const toggle = (list: string[], set: (v: string[]) => void, id: string, on: boolean) =>
    set(on ? [...list, id] : list.filter((x) => x !== id));

  return (
    <Dialog
      title={partner ? t('admin.partners.editTitle', { name: partner.name }) : t('admin.partners.new')}
      onClose={onClose}
    >
      <form className="stack" onSubmit={submit}>
        <label>
          {t('admin.name')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('admin.partners.contacts')}</legend>
          {contacts.map((c, i) => (
            <div
              key={i}
              className="contact"
              role="group"
              aria-label={t('admin.partners.contactN', { n: i + 1 })}
            >
              <label>
                {t('admin.name')}
                <input value={c.name} onChange={(e) => setContact(i, { name: e.target.value })} />
              </label>
              <label>
                {t('admin.email')}
                <input
                  type="email"
                  value={c.email}
                  onChange={(e) => setContact(i, { email: e.target.value })}
                />
              </label>
              <label>
                {t('admin.partners.phone')}
                <input value={c.phone} onChange={(e) => setContact(i, { phone: e.target.value })} />
              </label>
              <label>
                {t('admin.partners.role')}
                <input value={c.role} onChange={(e) => setContact(i, { role: e.target.value })} />
              </label>
              <button type="button" onClick={() => setContacts(contacts.filter((_, j) => j !== i))}>
                {t('admin.partners.removeContact', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setContacts([...contacts, { name: '', email: '', phone: '', role: '' }])}
          >
            {t('admin.partners.addContact')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('admin.partners.subscription')}</legend>
          <label>
            {t('admin.partners.languages')}
            <input
              value={languages}
              placeholder={t('admin.partners.languagesHint')}
              onChange={(e) => setLanguages(e.target.value)}
            />
          </label>
          <fieldset>
            <legend>{t('admin.partners.genres')}</legend>
            {GENRES.map((g) => (
              <label key={g} className="inline">
                <input
                  type="checkbox"
                  checked={genres.includes(g)}
                  onChange={(e) =>
                    setGenres(e.target.checked ? [...genres, g] : genres.filter((x) => x !== g))
                  }
                />
                {t(`admin.partners.genreNames.${g}`)}
              </label>
            ))}
          </fieldset>
          <TagsField value={tags} onChange={setTags} />
          <label>
            {t('admin.partners.tagMatch')}
            <select value={tagMatch} onChange={(e) => setTagMatch(e.target.value as TagMatch)}>
              <option value="any">{t('admin.partners.tagMatches.any')}</option>
              <option value="all">{t('admin.partners.tagMatches.all')}</option>
            </select>
          </label>
          <label className="inline">
            <input type="checkbox" checked={early} onChange={(e) => setEarly(e.target.checked)} />
            {t('admin.partners.embargoedEarly')}
          </label>
          <p className="hint">{t('admin.partners.embargoedEarlyHint')}</p>
        </fieldset>
        <fieldset>
          <legend>{t('admin.partners.apiKeys')}</legend>
          <ErrorAlert error={keys.error} />
          {keys.data?.data.length === 0 && <p>{t('admin.empty')}</p>}
          {keys.data?.data.map((k) => {
            const owner = ownerOf(k.id, 'apiKeyIds');
            return (
              <label key={k.id} className="inline">
                <input
                  type="checkbox"
                  checked={keyIds.includes(k.id)}
                  onChange={(e) => toggle(keyIds, setKeyIds, k.id, e.target.checked)}
                />
                {k.name} <code>{k.prefix}</code>
                {owner && ` (${t('admin.partners.ownedBy', { name: owner })})`}
              </label>
            );
          })}
        </fieldset>
        <fieldset>
          <legend>{t('admin.partners.webhooks')}</legend>
          <ErrorAlert error={hooks.error} />
          {hooks.data?.data.length === 0 && <p>{t('admin.empty')}</p>}
          {hooks.data?.data.map((h) => {
            const owner = ownerOf(h.id, 'webhookIds');
            return (
              <label key={h.id} className="inline">
                <input
                  type="checkbox"
                  checked={hookIds.includes(h.id)}
                  onChange={(e) => toggle(hookIds, setHookIds, h.id, e.target.checked)}
                />
                {h.url}
                {owner && ` (${t('admin.partners.ownedBy', { name: owner })})`}
              </label>
            );
          })}
        </fieldset>
        {stale ? <p role="alert">{t('admin.partners.stale')}</p> : <ErrorAlert error={save.error} />}
        <p className="actions">
          <button type="button" onClick={onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" disabled={save.isPending}>
            {partner ? t('admin.save') : t('admin.partners.create')}
          </button>
        </p>
      </form>
    </Dialog>
  );
}
