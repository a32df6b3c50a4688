import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import ru from './locales/ru.json';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'ru', label: 'Русский' },
] as const;
export type UiLanguage = (typeof LANGUAGES)[number]['code'];

// The interface language is a preference, not a secret: it is the only thing the desk keeps in storage.
const STORAGE_KEY = 'dateline.desk.language';

function initialLanguage(): UiLanguage {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return LANGUAGES.some((l) => l.code === stored) ? (stored as UiLanguage) : 'en';
}

export function setUiLanguage(code: UiLanguage): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, code);
  void i18n.changeLanguage(code);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
});

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

export default i18n;
