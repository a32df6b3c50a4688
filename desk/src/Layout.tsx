import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Role } from './api/pending';
import { hasRole, useSession } from './api/session';
import { LanguageSwitch } from './LanguageSwitch';
import { useNewsroomChanges } from './stories/useNewsroomChanges';

export const NAV: { to: string; label: string; min: Role }[] = [
  { to: '/stories', label: 'nav.stories', min: 'writer' },
  { to: '/pictures', label: 'nav.pictures', min: 'writer' },
  { to: '/tags', label: 'nav.tags', min: 'writer' },
  { to: '/authors', label: 'nav.authors', min: 'writer' },
  { to: '/import', label: 'nav.import', min: 'writer' },
  { to: '/users', label: 'nav.users', min: 'admin' },
  { to: '/api-keys', label: 'nav.apiKeys', min: 'admin' },
  { to: '/webhooks', label: 'nav.webhooks', min: 'admin' },
  { to: '/partners', label: 'nav.partners', min: 'admin' },
  { to: '/audit', label: 'nav.audit', min: 'admin' },
];

export function Layout() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  useNewsroomChanges();
  return (
    <div className="desk">
      <a className="skip" href="#content">
        {t('app.skip')}
      </a>
      <header>
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.filter((item) => hasRole(user, item.min)).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{t(item.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          {user && <span>{t('nav.signedInAs', { name: user.name, role: t(`roles.${user.role}`) })}</span>}
          <LanguageSwitch />
          <button type="button" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="content">
        <Outlet />
      </main>
    </div>
  );
}
