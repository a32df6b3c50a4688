import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from './api/pending';
import { hasRole, useSession } from './api/session';

/** A screen another branch builds: its route and heading exist so links and tests can rely on them. */
export function Placeholder({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t(title)}</h1>
      <p>{t('placeholder.soon')}</p>
    </section>
  );
}

export function RequireRole({ min, children }: { min: Role; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  return hasRole(user, min) ? children : <p role="alert">{t('forbidden')}</p>;
}

export function NotFound() {
  const { t } = useTranslation();
  return <p>{t('notFound')}</p>;
}
