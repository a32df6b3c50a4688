import type { Actor } from '../common/auth.decorators';
import { forbidden } from '../common/errors';

/**
 * The writer-owns-article rule: a writer may change only the articles they created; editors and admins
 * may change any. The one definition; callers ask this instead of comparing roles and ids themselves.
 */
export function writerMayChange(actor: Pick<Actor, 'id' | 'role'>, createdById: string): boolean {
  return actor.role !== 'writer' || actor.id === createdById;
}

/** 403 unless the actor may change an article created by `createdById`. */
export function assertMayChange(actor: Pick<Actor, 'id' | 'role'>, createdById: string): void {
  if (!writerMayChange(actor, createdById)) {
    throw forbidden('Writers may change only the articles they created');
  }
}

/**
 * The byline rule: "A", "A and B", "A, B and C" from the writers (all credited authors when there is
 * no writer), null without authors. An override set on the article wins over it (`bylineOf`).
 */
export function deriveByline(credits: readonly { author: { name: string }; role: string }[]): string | null {
  const writers = credits.filter((c) => c.role === 'writer');
  const names = (writers.length > 0 ? writers : credits).map((c) => c.author.name);
  if (names.length === 0) return null;
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The byline shown: the override when set, else the derived one. */
export function bylineOf(
  override: string | null,
  credits: readonly { author: { name: string }; role: string }[],
): string | null {
  return override ?? deriveByline(credits);
}

/** The dateline rule: "ASTANA. KAZINFORM –" (null without a place). */
export function renderDateline(place: string | null, agency: string | null): string | null {
  if (!place) return null;
  return agency ? `${place}. ${agency} –` : `${place} –`;
}
