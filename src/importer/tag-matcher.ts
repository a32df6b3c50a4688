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

// The first run of letters or digits of a name: a line can only hold the name if it holds this as a word.
const WORD = /[\p{L}\p{N}]+/gu;
const firstWord = (name: string): string | null => (name.match(WORD)?.[0] ?? null)?.toLowerCase() ?? null;

/**
 * Finds existing tag names in free-text tag lines, longest name first, case-insensitively and on word
 * boundaries, so "Kazakhstan and Canada" wins over "Kazakhstan". The tags are sorted and indexed once, by
 * their first word, so a line is tried only against the names it can hold (archive imports match many
 * lines against the same tags).
 */
export class TagMatcher {
  private readonly byLength: TagRef[];
  private readonly patterns = new Map<TagRef, RegExp>();
  private readonly byFirstWord = new Map<string, Set<TagRef>>();
  private readonly always = new Set<TagRef>();

  constructor(existing: readonly TagRef[]) {
    this.byLength = existing
      .filter((tag) => tag.name.trim() !== '')
      .sort((a, b) => b.name.trim().length - a.name.trim().length || a.name.localeCompare(b.name));
    for (const tag of this.byLength) {
      const word = firstWord(tag.name);
      if (word === null) this.always.add(tag);
      else {
        let set = this.byFirstWord.get(word);
        if (!set) this.byFirstWord.set(word, (set = new Set()));
        set.add(tag);
      }
    }
  }

  private pattern(tag: TagRef): RegExp {
    let p = this.patterns.get(tag);
    if (!p) this.patterns.set(tag, (p = namePattern(tag.name)));
    p.lastIndex = 0;
    return p;
  }

  /** The tags found in the line, in line order, and what is left of it. */
  match(tagLine: string): TagMatch {
    let remaining = tagLine.replaceAll(GAP, '').replace(/\s+/gu, ' ');
    const words = new Set((remaining.match(WORD) ?? []).map((w) => w.toLowerCase()));
    const found: { tag: TagRef; at: number }[] = [];
    const seen = new Set<string>();
    for (const tag of this.byLength) {
      if (!this.always.has(tag) && !words.has(firstWord(tag.name)!)) continue;
      const key = tag.name.trim().toLowerCase();
      if (seen.has(key)) continue;
      let first = -1;
      remaining = remaining.replace(this.pattern(tag), (match: string, offset: number) => {
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
}

/**
 * Finds existing tag names in a free-text tag line, longest name first, case-insensitively and on
 * word boundaries, so "Kazakhstan and Canada" wins over "Kazakhstan". The rest is `unmatched`.
 */
export function matchTags(tagLine: string, existing: TagRef[]): TagMatch {
  return new TagMatcher(existing).match(tagLine);
}
