import { isSpace, trimChars } from './text-limits';

export interface TagRef {
  id: string;
  name: string;
}

export interface TagMatch {
  /** Existing tags found in the line, in the order they appear there. */
  matched: TagRef[];
  /** What no existing tag covered, trimmed of separators; null when nothing meaningful is left. */
  unmatched: string | null;
}

// Separators and joining words that are never a tag on their own. Trimmed by a scan: the pattern
// `^[…]+|[…]+$` retries the run of separators from every position inside it.
const SEPARATORS = new Set([',', ';', '|', '/', '·', '•', '–', '—', '-', '.', '#']);
const isSeparator = (ch: string) => SEPARATORS.has(ch) || isSpace(ch);
const CONNECTORS = new Set(['and', '&', 'и', 'және', 'мен']);
// Stands in for a matched name so the text on either side cannot join into a new match.
const GAP = '\u0000';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

function namePattern(name: string): RegExp {
  const words = name.trim().split(/\s+/u).map(escapeRegExp).join('\\s+');
  // Unicode-aware word boundaries: \b only knows ASCII letters.
  return new RegExp(`(?<![\\p{L}\\p{N}])${words}(?![\\p{L}\\p{N}])`, 'giu');
}

/**
 * Finds existing tag names in a free-text tag line, longest name first, case-insensitively and on
 * word boundaries, so "Kazakhstan and Canada" wins over "Kazakhstan". The rest is `unmatched`.
 */
export function matchTags(tagLine: string, existing: TagRef[]): TagMatch {
  let remaining = tagLine.replaceAll(GAP, '').replace(/\s+/gu, ' ');
  const found: { tag: TagRef; at: number }[] = [];
  const seen = new Set<string>();
  const byLength = existing
    .filter((tag) => tag.name.trim() !== '')
    .sort((a, b) => b.name.trim().length - a.name.trim().length || a.name.localeCompare(b.name));
  for (const tag of byLength) {
    const key = tag.name.trim().toLowerCase();
    if (seen.has(key)) continue;
    let first = -1;
    remaining = remaining.replace(namePattern(tag.name), (match: string, offset: number) => {
      if (first < 0) first = offset;
      return GAP.repeat(match.length);
    });
    if (first >= 0) {
      seen.add(key);
      found.push({ tag, at: first });
    }
  }
  const leftover = remaining
    .split(GAP)
    .map((piece) => trimChars(piece, isSeparator))
    .filter((piece) => piece !== '' && !CONNECTORS.has(piece.toLowerCase()))
    .join(' ');
  return {
    matched: found.sort((a, b) => a.at - b.at).map(({ tag }) => ({ id: tag.id, name: tag.name })),
    unmatched: leftover === '' ? null : leftover,
  };
}
