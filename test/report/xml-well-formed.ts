/**
 * A small XML 1.0 well-formedness check for tests (no XML parser is installed): one root element,
 * balanced and properly nested tags, quoted attributes without duplicates, no raw `<` or `&` in
 * text or attributes, only the five predefined entities or character references. Returns the
 * elements as a tree so tests can count testcases; throws with the offset on the first problem.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITY = /^&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${message} (near ${JSON.stringify(xml.slice(i, i + 40))})`);
  };
  const skipSpace = (): void => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const checkText = (text: string, where: string): string => {
    for (let k = 0; k < text.length; k++) {
      if (text[k] === '<') fail(`raw '<' in ${where}`);
      if (text[k] === '&' && !ENTITY.test(text.slice(k))) fail(`bad entity in ${where}`);
    }
    return text
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#10;/g, '\n')
      .replace(/&amp;/g, '&');
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<?', i)) {
        const end = xml.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail("expected '<'");
    i++;
    const name = NAME.exec(xml.slice(i))?.[0] ?? fail('expected an element name');
    i += name.length;
    const el: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const attr = NAME.exec(xml.slice(i))?.[0] ?? fail('expected an attribute name');
      i += attr.length;
      skipSpace();
      if (xml[i] !== '=') fail(`expected '=' after ${attr}`);
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      const end = xml.indexOf(quote!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      if (attr in el.attributes) fail(`duplicate attribute ${attr}`);
      el.attributes[attr] = checkText(xml.slice(i + 1, end), `attribute ${attr}`);
      i = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail(`unclosed element <${name}>`);
      el.text += checkText(xml.slice(i, next), `<${name}> text`);
      i = next;
      if (xml.startsWith('</', i)) {
        i += 2;
        const close = NAME.exec(xml.slice(i))?.[0];
        if (close !== name) fail(`</${close}> closes <${name}>`);
        i += name.length;
        skipSpace();
        if (xml[i] !== '>') fail("expected '>'");
        i++;
        return el;
      }
      if (xml.startsWith('<!--', i)) {
        skipMisc();
        continue;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA');
        el.text += xml.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** All descendants named `name`. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
