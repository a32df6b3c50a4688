import { type EntityManager, In } from 'typeorm';
import { Tag } from './tag.entity';

/**
 * What other modules may read of tags, in the caller's transaction. The one way outside `tags/` to read the
 * `tag` and `tag_alias` tables.
 */
export async function tagsByIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, Tag>> {
  if (ids.length === 0) return new Map();
  const rows = await em.findBy(Tag, { id: In([...new Set(ids)]) });
  return new Map(rows.map((t) => [t.id, t]));
}

/**
 * The tags with these ids as they are now: a tag merged away since resolves to the tag it was merged into
 * (`merged` maps the old id to the new one).
 */
export async function currentTags(
  em: EntityManager,
  ids: readonly string[],
): Promise<{ found: Map<string, Tag>; merged: Map<string, string> }> {
  const found = await tagsByIds(em, ids);
  const missing = ids.filter((id) => !found.has(id));
  const merged = new Map<string, string>();
  if (missing.length > 0) {
    const rows = await em.query<{ former_tag_id: string; tag_id: string }[]>(
      'SELECT former_tag_id, tag_id FROM tag_alias WHERE former_tag_id = ANY($1::uuid[])',
      [missing],
    );
    for (const r of rows) merged.set(r.former_tag_id, r.tag_id);
    const targets = [...new Set(rows.map((r) => r.tag_id))].filter((id) => !found.has(id));
    for (const [id, tag] of await tagsByIds(em, targets)) found.set(id, tag);
  }
  return { found, merged };
}
