import { Suspense, lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from './api/session';
import { Layout } from './Layout';
import { NotFound, Placeholder, RequireRole } from './Placeholder';
import { SignIn } from './SignIn';
import { StoriesList } from './stories/StoriesList';

// The editor (and its TipTap bundle) loads only when a story is opened.
const StoryEditor = lazy(() => import('./stories/StoryEditor').then((m) => ({ default: m.StoryEditor })));

export function App() {
  const { t } = useTranslation();
  const { loading, user } = useSession();
  if (loading) return <p>{t('app.loading')}</p>;
  // Signed out (or the session expired): the sign-in form at whatever URL was asked for, which
  // then renders once signed in.
  if (!user) return <SignIn />;
  const editor = (
    <Suspense fallback={<p>{t('editor.loading')}</p>}>
      <StoryEditor />
    </Suspense>
  );
  const admin = (title: string) => (
    <RequireRole min="admin">
      <Placeholder title={title} />
    </RequireRole>
  );
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/stories" replace />} />
        <Route path="stories" element={<StoriesList />} />
        <Route path="stories/new" element={editor} />
        <Route path="stories/:id" element={editor} />
        <Route path="pictures" element={<Placeholder title="nav.pictures" />} />
        <Route path="tags" element={<Placeholder title="nav.tags" />} />
        <Route path="authors" element={<Placeholder title="nav.authors" />} />
        <Route path="import" element={<Placeholder title="nav.import" />} />
        <Route path="users" element={admin('nav.users')} />
        <Route path="api-keys" element={admin('nav.apiKeys')} />
        <Route path="webhooks" element={admin('nav.webhooks')} />
        <Route path="audit" element={admin('nav.audit')} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
