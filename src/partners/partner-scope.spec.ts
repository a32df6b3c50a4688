import { type PartnerScope, receivedSql, scopeDocumentSql, scopeRowSql } from './partner-scope';

const TAG_A = '11111111-1111-4111-8111-111111111111';
const TAG_B = '22222222-2222-4222-8222-222222222222';

const scope = (over: Partial<PartnerScope> = {}): PartnerScope => ({
  partnerId: '33333333-3333-4333-8333-333333333333',
  version: 1,
  languages: [],
  genres: [],
  tagIds: [],
  tagMatch: 'any',
  embargoedEarly: false,
  ...over,
});

describe('partner subscription as SQL', () => {
  it('should narrow nothing when the subscription names nothing', () => {
    expect(scopeRowSql(scope(), 'p')).toBe('true');
    expect(scopeDocumentSql(scope(), `e.payload -> 'document'`)).toBe('true');
  });

  it('should match languages with their regional forms, genres, and tags by overlap for any', () => {
    const sql = scopeRowSql(
      scope({ languages: ['en', 'kk'], genres: ['news'], tagIds: [TAG_A, TAG_B] }),
      'p',
    );
    expect(sql).toContain(`p.language IN ('en', 'kk') OR split_part(p.language, '-', 1) IN ('en', 'kk')`);
    expect(sql).toContain(`p.genre IN ('news')`);
    expect(sql).toContain(`p.tag_ids && ARRAY['${TAG_A}', '${TAG_B}']::uuid[]`);
  });

  it('should match tags by containment for all', () => {
    expect(scopeRowSql(scope({ tagIds: [TAG_A, TAG_B], tagMatch: 'all' }), 'p')).toContain(
      'p.tag_ids @> ARRAY[',
    );
    const doc = scopeDocumentSql(scope({ tagIds: [TAG_A, TAG_B], tagMatch: 'all' }), 'd');
    expect(doc).toContain(`(d -> 'tags') @> '[{"id":"${TAG_A}"},{"id":"${TAG_B}"}]'::jsonb`);
    const any = scopeDocumentSql(scope({ tagIds: [TAG_A, TAG_B] }), 'd');
    expect(any).toContain(`'[{"id":"${TAG_A}"}]'::jsonb OR`);
  });

  it('should refuse values that are not what was validated, and bad aliases', () => {
    expect(() => scopeRowSql(scope({ languages: ["en'); DROP TABLE x; --"] }), 'p')).toThrow('SQL literal');
    expect(() => scopeRowSql(scope({ tagIds: ['not-a-uuid'] }), 'p')).toThrow('SQL literal');
    expect(() => scopeRowSql(scope(), 'p; x')).toThrow('alias');
  });

  it('should look for any delivery of the article to the partner', () => {
    expect(receivedSql('pt.id', 'e.article_id')).toMatch(
      /pd\.partner_id = pt\.id\s+AND pd\.article_id = e\.article_id/,
    );
  });
});
