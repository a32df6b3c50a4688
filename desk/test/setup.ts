import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import i18n from '../src/i18n';

// Generous: the machine is shared, and a slow run must not fail a correct screen.
configure({ asyncUtilTimeout: 15_000 });

afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
  await i18n.changeLanguage('en');
});
