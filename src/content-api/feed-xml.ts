import { XMLBuilder } from 'fast-xml-parser';

/**
 * XML for the feeds and the sitemap: fast-xml-parser's builder lays out the elements; the two escapers
 * below decide every character, so any headline, summary, tag, author or body comes back exactly from
 * a conforming parser. XML 1.0 cannot carry C0 control characters other than tab, LF and CR, nor
 * U+FFFE, U+FFFF or an unpaired surrogate, not even as a reference: those are removed (the one
 * change to the text). A CR is written as `&#xD;` (a parser would read a raw one as LF), and in
 * attributes tab and LF are references too (a parser would read them as spaces).
 */

/** Elements as objects: `@_name` keys are attributes, `#text` the text, arrays repeat an element. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | (string | XmlNode)[] | undefined;

// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#x9;',
  '\n': '&#xA;',
};

/** The text without the characters XML 1.0 cannot carry. */
export function xmlChars(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

/** Element content: `&`, `<`, `>` (so `]]>` never appears) and CR escaped. */
export function escapeXmlText(text: string): string {
  return xmlChars(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]);
}

/** A quoted attribute value: also quotes, tab and LF escaped. */
export function escapeXmlAttribute(text: string): string {
  return xmlChars(text).replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]);
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Escaping is ours (above): the builder's own entity list leaves CR, tab and LF alone.
  processEntities: false,
  suppressBooleanAttributes: false,
  suppressEmptyNode: false,
  format: true,
  indentBy: '  ',
  tagValueProcessor: (_name: string, value: unknown) => escapeXmlText(String(value)),
  attributeValueProcessor: (_name: string, value: unknown) => escapeXmlAttribute(String(value)),
});

/** A UTF-8 XML document with `root` as its one element. */
export function xmlDocument(rootName: string, root: XmlNode): string {
  const body: string = builder.build({ [rootName]: root });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
