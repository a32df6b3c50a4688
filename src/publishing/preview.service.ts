import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Article } from '../articles/article.entity';
import { loadArticleSnapshot } from '../articles/article-snapshot';
import type { Actor } from '../common/auth.decorators';
import { notFound } from '../common/errors';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { PublicationProjector } from './publication.projector';
import type { PublicDocument } from './publication.renderer';

/** The preview pane: the working copy rendered by the projector's renderer, in a read-only transaction. */
@Injectable()
export class PreviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projector: PublicationProjector,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  /** Every staff member may read every article, and so its preview. */
  preview(_actor: Actor, id: string): Promise<PublicDocument> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET TRANSACTION READ ONLY');
      const article = await em.findOne(Article, { where: { id } });
      if (!article) throw notFound('Article');
      const snapshot = await loadArticleSnapshot(em, id, this.config);
      return this.projector.previewNow(em, article, snapshot, new Date());
    });
  }
}
