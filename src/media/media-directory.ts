import { type EntityManager, In } from 'typeorm';
import { Media } from './media.entity';

/**
 * What other modules may read of the picture library, in the caller's transaction: the rows for a set of
 * ids (articles check the pictures a story names; the projector renders them).
 */
export async function mediaByIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, Media>> {
  if (ids.length === 0) return new Map();
  const rows = await em.findBy(Media, { id: In([...new Set(ids)]) });
  return new Map(rows.map((m) => [m.id, m]));
}
