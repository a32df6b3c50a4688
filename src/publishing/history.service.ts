import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Article } from '../articles/article.entity';
import type { Actor } from '../common/auth.decorators';
import { notFound } from '../common/errors';
import type { ArticleEventResponse } from './article-event.response';

@Injectable()
export class HistoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every staff member may read every article's history. */
  async list(_actor: Actor, articleId: string): Promise<ArticleEventResponse[]> {
    if (!(await this.dataSource.getRepository(Article).existsBy({ id: articleId })))
      throw notFound('Article');
    const rows = await this.dataSource.query<
      {
        id: string;
        action: string;
        from_status: string;
        to_status: string;
        actor_id: string | null;
        actor_name: string | null;
        comment: string | null;
        data: Record<string, unknown>;
        created_at: Date;
      }[]
    >(
      `SELECT e.id, e.action, e.from_status, e.to_status, e.actor_id, u.name AS actor_name, e.comment, e.data, e.created_at
         FROM article_event e LEFT JOIN "user" u ON u.id = e.actor_id
        WHERE e.article_id = $1 ORDER BY e.created_at, e.id`,
      [articleId],
    );
    return rows.map((r) => ({
      id: r.id,
      action: r.action,
      from: r.from_status,
      to: r.to_status,
      actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '' } : null,
      comment: r.comment,
      data: r.data,
      at: r.created_at.toISOString(),
    }));
  }
}
