import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HttpError } from './api/errors';
import { useSession } from './api/session';
import { LanguageSwitch } from './LanguageSwitch';

export function SignIn() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(
        err instanceof HttpError && err.status === 401
          ? t('signIn.failed')
          : err instanceof HttpError && err.status === 429
            ? t('signIn.tooMany')
            : t('signIn.error', { message: err instanceof Error ? err.message : String(err) }),
      );
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={`${id}-email`}>{t('signIn.email')}</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor={`${id}-password`}>{t('signIn.password')}</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && <p role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <LanguageSwitch />
    </main>
  );
}
