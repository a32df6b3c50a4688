import { type ChangeRow, walkChanges } from './content-changes.service';

const row = (seq: number, over: Partial<ChangeRow> = {}): ChangeRow => ({
  seq: String(seq),
  fresh: false,
  visible: true,
  type: 'article.published',
  id: `id-${seq}`,
  slug: `slug-${seq}`,
  language: 'en',
  version: 1,
  at: '2025-11-28T00:00:00.000Z',
  embargoed: null,
  embargo_until: null,
  ...over,
});

describe('walkChanges', () => {
  it('should keep visible rows in order and move the cursor over hidden ones', () => {
    const page = walkChanges([row(1), row(2, { visible: false }), row(3)], 0n, 10, 100);
    expect(page.data.map((c) => [c.cursor, c.type])).toEqual([
      ['1', 'published'],
      ['3', 'published'],
    ]);
    expect(page).toMatchObject({ nextCursor: '3', hasMore: false });
  });

  it('should stop before a gap younger than the settle time, since a transaction may still commit it', () => {
    const page = walkChanges([row(5), row(7, { fresh: true }), row(8, { fresh: true })], 4n, 10, 100);
    expect(page.data.map((c) => c.cursor)).toEqual(['5']);
    expect(page).toMatchObject({ nextCursor: '5', hasMore: false });
  });

  it('should step over a settled gap (a rolled-back transaction)', () => {
    const page = walkChanges([row(5), row(9), row(10, { fresh: true })], 4n, 10, 100);
    expect(page.data.map((c) => c.cursor)).toEqual(['5', '9', '10']);
  });

  it('should stop at the limit with hasMore when more rows were scanned', () => {
    const page = walkChanges([row(1), row(2), row(3)], 0n, 2, 100);
    expect(page.data.map((c) => c.cursor)).toEqual(['1', '2']);
    expect(page).toMatchObject({ nextCursor: '2', hasMore: true });
  });

  it('should report hasMore when the scan was full even if few rows were visible', () => {
    const page = walkChanges([row(1, { visible: false }), row(2, { visible: false })], 0n, 10, 2);
    expect(page).toEqual({ data: [], nextCursor: '2', hasMore: true });
  });

  it('should mark embargoed changes with the embargo time only when the row says so', () => {
    const until = '2025-11-28T08:00:00.000Z';
    const page = walkChanges(
      [row(1, { embargoed: true, embargo_until: until }), row(2, { embargoed: false })],
      0n,
      10,
      100,
    );
    expect(page.data[0]).toMatchObject({ embargoed: true, embargoUntil: until });
    expect(page.data[1]).not.toHaveProperty('embargoed');
    expect(page.data[1]).not.toHaveProperty('embargoUntil');
  });
});
