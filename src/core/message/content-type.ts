/**
 * Content headers (Content-Type, Content-Disposition) read as postal-mime reads
 * them, and the decoding of a text/plain part they name; what postal-mime would read
 * differently (comments, RFC 2231 parameters, other charsets) is Unsupported.
 */
import { unflow } from './flowed';

const SPACE = 0x20;
const TAB = 0x09;

/** A value read differently by postal-mime: the message goes to postal-mime. */
export class Unsupported extends Error {}

/** A content header's value: its lowercase type and its parameters, first of each name. */
export interface Structured {
  value: string;
  params: Map<string, string>;
}

/** Charset labels postal-mime reads with a TextDecoder of that very label ('utf8' when none). */
const CHARSETS = ['utf-8', 'utf8', 'us-ascii', 'iso-8859-1', 'iso-8859-15', 'windows-1252'];
const decoders = new Map(CHARSETS.map((cs) => [cs, new TextDecoder(cs)]));

export const isWsp = (c: number) => c === SPACE || c === TAB;

export function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s.charCodeAt(a))) a++;
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * A structured header value ("type; name=value; ...") read as postal-mime reads it;
 * comments, backslashes and RFC 2231 continued or encoded parameters are not read.
 */
export function structured(str: string): Structured {
  if (str.includes('(') || str.includes('\\')) throw new Unsupported();
  const params = new Map<string, string>();
  let type = '';
  let key: string | null = null;
  let value = '';
  let pendingSpace = '';
  let quoteClosed = false;
  let quoted = false;
  let stage: 'key' | 'value' = 'value';
  const addChar = (c: string) => {
    if (value.length) value += pendingSpace;
    pendingSpace = '';
    value += c;
  };
  const take = () => {
    const v = value;
    value = '';
    pendingSpace = '';
    quoteClosed = false;
    return v;
  };
  const store = (name: string, v: string) => {
    if (/\*(\d+\*?)?$/.test(name)) throw new Unsupported();
    if (!params.has(name)) params.set(name, v);
  };
  const storeValue = () => {
    const v = take();
    if (key === null) type = v;
    else store(key, v);
  };
  const storeEmptyKey = () => {
    const name = take().trim();
    if (name) store(name.toLowerCase(), '');
  };
  for (let i = 0; i < str.length; i++) {
    const c = str[i];
    if (stage === 'key') {
      if (c === '=') {
        key = take().trim().toLowerCase();
        stage = 'value';
      } else if (c === ';') storeEmptyKey();
      else value += c;
    } else if (quoted && c === '"') {
      quoted = false;
      quoteClosed = true;
    } else if (!quoted && c === '"') {
      quoted = true;
      if (value.length) value += pendingSpace;
      pendingSpace = '';
    } else if (!quoted && c === ';') {
      storeValue();
      stage = 'key';
    } else if (!quoted && (c === ' ' || c === '\t')) pendingSpace += c;
    else if (!quoteClosed) addChar(c);
  }
  if (stage === 'value') storeValue();
  else storeEmptyKey();
  return { value: type.toLowerCase(), params };
}

/** How postal-mime reads a text/plain part: its charset's decoder, and flowed or not. */
export interface TextDecoding {
  decoder: TextDecoder;
  flowed: boolean;
  delSp: boolean;
}

export function textDecoding(type: Structured): TextDecoding | null {
  const decoder = decoders.get((type.params.get('charset') || 'utf8').trim().toLowerCase());
  if (!decoder) return null;
  const flowed = /^flowed$/i.test(type.params.get('format') ?? '');
  return { decoder, flowed, delSp: /^yes$/i.test(type.params.get('delsp') ?? '') };
}

/** A part's text as postal-mime gives it. */
export function partText(bytes: Uint8Array, how: TextDecoding): string {
  const text = how.decoder.decode(bytes);
  return how.flowed ? unflow(text, how.delSp) : text;
}

/**
 * The decoding of a Content-Type value that is text/plain with nothing but a charset,
 * format and delsp; null for anything else.
 */
export function plainTextType(value: string): TextDecoding | null {
  try {
    const type = structured(value);
    if (type.value !== 'text/plain') return null;
    for (const name of type.params.keys())
      if (name !== 'charset' && name !== 'format' && name !== 'delsp') return null;
    return textDecoding(type);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
