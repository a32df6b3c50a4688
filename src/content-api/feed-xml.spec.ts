import { SaxesParser } from 'saxes';
import { escapeXmlAttribute, escapeXmlText, xmlChars, xmlDocument } from './feed-xml';

/** The text and attributes a strict XML 1.0 parser reads back (throws when the document is malformed). */
function read(xml: string): { text: string[]; attributes: Record<string, string>[] } {
  const parser = new SaxesParser({ xmlns: true });
  const text: string[] = [];
  const attributes: Record<string, string>[] = [];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('text', (t) => {
    if (t.trim() !== '') text.push(t);
  });
  parser.on('opentag', (tag) => {
    const attrs = Object.fromEntries(
      Object.values(tag.attributes).map((a) => [
        typeof a === 'string' ? a : a.name,
        typeof a === 'string' ? a : a.value,
      ]),
    );
    attributes.push(attrs);
  });
  parser.write(xml).close();
  return { text, attributes };
}

describe('feed XML', () => {
  const hostile = [
    'x]]>y]]></title><link>https://evil.example</link><title><![CDATA[z',
    'Oil & Gas',
    '&lt;b&gt; & &amp; &#x41;',
    '<script>alert(1)</script>',
    `"quoted" and 'single'`,
    'tab\there\nline\r\nCRLF\rCR',
    '😀 مرحبا \u202eevil\u202c',
    'w'.repeat(10_000),
  ];

  it.each(hostile)('should carry %j exactly in element text and attributes', (value) => {
    const doc = xmlDocument('root', { item: { '@_label': value, '#text': value } });
    const { text, attributes } = read(doc);
    expect(text).toEqual([value]);
    expect(attributes[1]).toEqual({ label: value });
  });

  it('should remove the characters XML 1.0 cannot carry and keep the rest', () => {
    const value = 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi\ud800j\t\n\r\u0085\u007f';
    expect(xmlChars(value)).toBe('abcdefghij\t\n\r\u0085\u007f');
    const { text } = read(xmlDocument('root', { item: value }));
    expect(text).toEqual([xmlChars(value)]);
    expect(xmlChars('😀')).toBe('😀');
  });

  it('should escape markup, CR and, in attributes, quotes, tab and LF', () => {
    expect(escapeXmlText('<a> & ]]>\r')).toBe('&lt;a&gt; &amp; ]]&gt;&#xD;');
    expect(escapeXmlAttribute(`"'\t\n`)).toBe('&quot;&apos;&#x9;&#xA;');
  });
});
