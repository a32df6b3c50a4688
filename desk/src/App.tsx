import { type ReactNode, Suspense, lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from './api/session';
import { Layout } from './Layout';
import { NotFound, RequireRole } from './Placeholder';
import { SignIn } from './SignIn';
import { StoriesList } from './stories/StoriesList';
import { ApiKeys } from './admin/ApiKeys';
import { AuditLog } from './admin/AuditLog';
import { Authors } from './admin/Authors';
import { Partners } from './admin/Partners';
import { Tags } from './admin/Tags';
import { Users } from './admin/Users';
import { Webhooks } from './admin/Webhooks';
import { ImportScreen } from './import/ImportScreen';
import { PictureEditor } from './pictures/PictureEditor';
import { PicturesLibrary } from './pictures/PicturesLibrary';

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
  const admin = (screen: ReactNode) => <RequireRole min="admin">{screen}</RequireRole>;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/stories" replace />} />
        <Route path="stories" element={<StoriesList />} />
        <Route path="stories/new" element={editor} />
        <Route path="stories/:id" element={editor} />
        <Route path="pictures" element={<PicturesLibrary />} />
        <Route path="pictures/:id" element={<PictureEditor />} />
        <Route path="tags" element={<Tags />} />
        <Route path="authors" element={<Authors />} />
        <Route path="import" element={<ImportScreen />} />
        <Route path="users" element={admin(<Users />)} />
        <Route path="api-keys" element={admin(<ApiKeys />)} />
        <Route path="webhooks" element={admin(<Webhooks />)} />
        <Route path="partners" element={admin(<Partners />)} />
        <Route path="audit" element={admin(<AuditLog />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
