import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { Article, ArticleTag } from './article.entity';
import { ArticleEditor } from './article-editor';

export interface MergedTag {
  id: string;
  name: string;
}

/**
 * Applies a tag merge to the articles that used the source tag: each one's tag list names the target
 * instead (once), its version is bumped and a revision records why,
 * so If-Match, history and restore see the change. Runs in the tag merge's transaction.
 */
@Injectable()
export class ArticleTagMerge {
  constructor(private readonly editor: ArticleEditor) {}

  /** Returns the ids of the articles changed. */
  async apply(em: EntityManager, actor: Actor, from: MergedTag, into: MergedTag): Promise<string[]> {
    const uses = await em.find(ArticleTag, { where: { tagId: from.id }, select: { articleId: true } });
    if (uses.length === 0) return [];
    // Rows locked in id order, like every multi-row lock here, so crossing writers cannot deadlock.
    const articles = await em
      .createQueryBuilder(Article, 'a')
      .where({ id: In(uses.map((u) => u.articleId)) })
      .orderBy('a.id')
      .setLock('pessimistic_write')
      .getMany();
    const reason = `Tag "${from.name}" merged into "${into.name}"`;
    for (const article of articles) {
      const rows = await em.find(ArticleTag, {
        where: { articleId: article.id },
        order: { position: 'ASC' },
      });
      const hasTarget = rows.some((r) => r.tagId === into.id);
      // Where it had both, the target keeps its place; else the target takes the source's place.
      const ids = rows.flatMap((r) => (r.tagId !== from.id ? [r.tagId] : hasTarget ? [] : [into.id]));
      await this.editor.replaceTags(
        em,
        article.id,
        ids.map((id) => ({ id })),
      );
      await this.editor.commitChange(em, actor, article, {}, reason);
    }
    return articles.map((a) => a.id);
  }
}
