/**
 * How names are compared when looking for "the same" author or tag: Unicode-normalised, spacing
 * collapsed, case ignored. Compared in JS: PostgreSQL's lower() leaves Cyrillic alone under the C locale.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
}
