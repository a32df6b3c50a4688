import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { hasRole, useSession } from '../api/session';
import { ageText } from '../admin/Partners';
import { type Article, getRecipients, messageOf } from './api';

// A story has reached partners only once it was public.
const PUBLIC_ONCE = new Set(['published', 'unpublished', 'killed']);

/**
 * In the workflow panel, for editors and admins: which partners have this story, in which version, how
 * (pushed to their webhook, pulled with their key) and when, and the advisories they have not acknowledged.
 */
export function StoryRecipients({ article }: { article: Article }) {
  const { user } = useSession();
  if (!hasRole(user, 'editor') || !PUBLIC_ONCE.has(article.status)) return null;
  return <RecipientsList article={article} />;
}

function RecipientsList({ article }: { article: Article }) {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const recipients = useQuery({
    queryKey: [...queryKeys.story(article.id), 'recipients', article.version],
    queryFn: () => getRecipients(article.id),
  });
  const data = recipients.data?.data ?? [];
  const open = data.flatMap((r) => r.openAdvisories.map((a) => ({ ...a, partnerName: r.partnerName })));
  return (
    <section className="recipients" aria-labelledby="recipients-title">
      <h3 id="recipients-title">{t('editor.recipients.title')}</h3>
      {recipients.isError && <p role="alert">{messageOf(recipients.error)}</p>}
      {recipients.isSuccess && data.length === 0 && <p>{t('editor.recipients.none')}</p>}
      {data.length > 0 && (
        <table className="admin">
          <thead>
            <tr>
              <th scope="col">{t('editor.recipients.partner')}</th>
              <th scope="col">{t('editor.recipients.version')}</th>
              <th scope="col">{t('editor.recipients.how')}</th>
              <th scope="col">{t('editor.recipients.when')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((r) => {
              const latest = r.deliveries.filter((d) => d.version === r.latestVersion);
              return (
                <tr key={r.partnerId}>
                  <td>{r.partnerName}</td>
                  <td>{t('editor.recipients.versionN', { n: r.latestVersion })}</td>
                  <td>{latest.map((d) => t(`editor.recipients.methods.${d.method}`)).join(', ')}</td>
                  <td>{latest.map((d) => fmt.format(new Date(d.at))).join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {open.length > 0 && (
        <>
          <h4>{t('editor.recipients.openAdvisories')}</h4>
          <ul className="advisories">
            {open.map((a) => (
              <li key={a.id}>
                {t('editor.recipients.advisory', {
                  partner: a.partnerName,
                  kind: t(`admin.partners.kinds.${a.kind}`),
                  age: ageText(t, a.ageSeconds),
                  count: a.resends,
                })}
                {a.overdue && <strong> {t('admin.partners.overdue')}</strong>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
