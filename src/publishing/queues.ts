/** Job queues of the publishing side; other modules enqueue re-renders by name. */
export const PUBLISH_QUEUE = 'article-publish';
export const EXPIRE_QUEUE = 'article-expire';
export const EMBARGO_QUEUE = 'article-embargo-lift';
export const RERENDER_QUEUE = 'publication-rerender';

/** Which live publications to re-render: those showing a tag, an author or a picture, those whose stored
 * document is of a schema older than the given one, or one article's. */
export interface RerenderJob {
  tagId?: string;
  authorId?: string;
  /** A picture whose metadata or renditions changed */
  mediaId?: string;
  documentSchemaBelow?: number;
  /** One article (a translation whose source version moved) */
  articleId?: string;
}
