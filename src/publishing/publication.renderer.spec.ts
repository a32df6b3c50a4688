import {
  type KillDocument,
  PUBLIC_DOCUMENT_SCHEMA,
  readStoredDocument,
  textSearchConfig,
  withDateline,
} from './publication.renderer';

describe('withDateline', () => {
  it('should put the dateline inside the first paragraph when the body starts with one', () => {
    expect(withDateline('<p>The third round.</p><p>Second.</p>', 'ASTANA. KAZINFORM –')).toBe(
      '<p><span class="dateline">ASTANA. KAZINFORM –</span> The third round.</p><p>Second.</p>',
    );
  });

  it('should leave the body alone when there is no dateline', () => {
    expect(withDateline('<p>x</p>', null)).toBe('<p>x</p>');
  });

  it('should escape the dateline when it contains markup characters', () => {
    expect(withDateline('<p>x</p>', 'A&B <C> –')).toContain('A&amp;B &lt;C&gt; –');
  });
});

describe('textSearchConfig', () => {
  it('should pick the language configuration when PostgreSQL has one, and simple otherwise', () => {
    expect(textSearchConfig('en')).toBe('english');
    expect(textSearchConfig('ru')).toBe('russian');
    expect(textSearchConfig('pt-BR')).toBe('portuguese');
    expect(textSearchConfig('kk')).toBe('simple');
    expect(textSearchConfig('zh-Hans')).toBe('simple');
  });
});

describe('readStoredDocument', () => {
  it('should refuse a document written in a schema newer than this code', () => {
    expect(() => readStoredDocument(PUBLIC_DOCUMENT_SCHEMA + 1, {} as KillDocument)).toThrow(
      /newer than this code/,
    );
  });

  it('should pass a document of the current schema through unchanged', () => {
    const doc = { id: 'x', status: 'killed' } as KillDocument;
    expect(readStoredDocument(PUBLIC_DOCUMENT_SCHEMA, doc)).toBe(doc);
  });
});

describe('readStoredDocument: schema 2 (pictures)', () => {
  it('should give a schema-1 live document no pictures, and leave a kill document alone', () => {
    const live = readStoredDocument(1, { id: 'x', status: 'live' } as unknown as KillDocument);
    expect(live).toEqual({ id: 'x', status: 'live', pictures: [], translationOf: null });
    const killed = { id: 'y', status: 'killed' } as KillDocument;
    expect(readStoredDocument(1, killed)).toEqual(killed);
  });
});

describe('readStoredDocument: schema 3 (translation source)', () => {
  it('should give a schema-2 live document no translation source, and leave a kill document alone', () => {
    const live = readStoredDocument(2, { id: 'x', status: 'live', pictures: [] } as unknown as KillDocument);
    expect(live).toEqual({ id: 'x', status: 'live', pictures: [], translationOf: null });
    const killed = { id: 'y', status: 'killed' } as KillDocument;
    expect(readStoredDocument(2, killed)).toEqual(killed);
  });
});
