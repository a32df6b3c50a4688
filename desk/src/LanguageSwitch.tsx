import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type UiLanguage, setUiLanguage } from './i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="language-switch">
      <label htmlFor={id}>{t('nav.language')}</label>
      <select
        id={id}
        value={i18n.resolvedLanguage}
        onChange={(e) => setUiLanguage(e.target.value as UiLanguage)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </span>
  );
}
