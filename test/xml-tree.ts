import { SaxesParser } from 'saxes';

/** An element as a strict XML 1.0 parser read it: namespaced name, attributes, children in order. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

/**
 * Parses with saxes (well-formedness, XML 1.0 characters, namespaces, line-end and attribute-value
 * normalisation as the spec says) and throws on the first error: a malformed document fails the test.
 */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  const failures: Error[] = [];
  parser.on('error', (e) => {
    failures.push(e);
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = {
      name: tag.name,
      attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value])),
      children: [],
    };
    stack[stack.length - 1].children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const text = (t: string) => stack[stack.length - 1].children.push(t);
  parser.on('text', text);
  parser.on('cdata', text);
  parser.write(xml).close();
  if (failures.length > 0) throw failures[0];
  const elements = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (elements.length !== 1) throw new Error(`expected one root element, got ${elements.length}`);
  return elements[0];
}

/** Child elements named `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** The one child element named `name` (throws when there is none or several). */
export function child(el: XmlElement, name: string): XmlElement {
  const found = childrenNamed(el, name);
  if (found.length !== 1) throw new Error(`<${el.name}> has ${found.length} <${name}> elements`);
  return found[0];
}

/** The text content of an element (its text and CDATA, nested elements included). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
