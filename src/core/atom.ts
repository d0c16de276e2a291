/**
 * public-inbox Atom feeds (new.atom, t.atom, ?x=A search results) -> entries.
 * Workers have no DOMParser, so this uses fast-xml-parser.
 */
import { XMLParser } from 'fast-xml-parser';

/** One feed entry. */
export interface AtomEntry {
  /** The entry's <id> (urn:uuid:… on public-inbox). */
  entryId: string;
  /** The Message-ID, taken from the entry's link (…/MSGID/). */
  messageId: string | null;
  title: string;
  authorName: string;
  authorEmail: string;
  /** Epoch ms of <updated>, NaN when missing. */
  updated: number;
  link: string | null;
  /** Parent Message-ID from thr:in-reply-to's href, if any. */
  inReplyTo: string | null;
  /** The content as plain text (public-inbox sends an xhtml <pre>). */
  content: string;
}

/** A parsed feed. */
export interface AtomFeed {
  title: string;
  updated: number;
  entries: AtomEntry[];
}

// preserveOrder keeps mixed content (public-inbox's <pre> with <a> and <span>) in order.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  preserveOrder: true,
  processEntities: true,
  htmlEntities: true,
  trimValues: false,
});

/** A node in fast-xml-parser's preserveOrder output: one tag key, or #text, plus ':@' attributes. */
type XNode = Record<string, unknown>;

function tagOf(n: XNode): string {
  for (const k of Object.keys(n)) if (k !== ':@') return k;
  return '';
}

function childrenOf(n: XNode): XNode[] {
  const c = n[tagOf(n)];
  return Array.isArray(c) ? (c as XNode[]) : [];
}

function attr(n: XNode, name: string): string {
  const a = n[':@'] as Record<string, unknown> | undefined;
  const v = a?.[name];
  return v == null ? '' : String(v);
}

function text(nodes: XNode[]): string {
  let s = '';
  for (const n of nodes) {
    const t = tagOf(n);
    if (t === '#text') s += String(n['#text']);
    else s += text(childrenOf(n));
  }
  return s;
}

function find(nodes: XNode[], tag: string): XNode | undefined {
  return nodes.find((n) => tagOf(n) === tag);
}

function findAll(nodes: XNode[], tag: string): XNode[] {
  return nodes.filter((n) => tagOf(n) === tag);
}

/** Extracts the Message-ID from a public-inbox message URL (…/inbox/MSGID/). */
export function messageIdFromUrl(href: string): string | null {
  const path = href.replace(/[?#].*$/, '').replace(/\/(?:[Tt]\/?|raw|t\.mbox\.gz|t\.atom)$/, '/');
  const m = /\/([^/]+)\/?$/.exec(path);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1]);
    return id.includes('@') ? id : null;
  } catch {
    return null;
  }
}

/** Parses an Atom feed. Throws an Error with a clear message when it is not a feed. */
export function parseAtom(xml: string): AtomFeed {
  let doc: XNode[];
  try {
    doc = parser.parse(xml) as XNode[];
  } catch (e) {
    throw new Error(`not a valid Atom feed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const feed = Array.isArray(doc) ? find(doc, 'feed') : undefined;
  if (!feed) throw new Error('not an Atom feed (no <feed> element)');
  const kids = childrenOf(feed);
  return {
    title: text(childrenOf(find(kids, 'title') ?? {})).trim(),
    updated: Date.parse(text(childrenOf(find(kids, 'updated') ?? {}))),
    entries: findAll(kids, 'entry').map(parseEntry),
  };
}

function parseEntry(e: XNode): AtomEntry {
  const kids = childrenOf(e);
  const field = (tag: string, from = kids) => text(childrenOf(find(from, tag) ?? {})).trim();
  const links = findAll(kids, 'link');
  const alt = links.find((l) => !attr(l, 'rel') || attr(l, 'rel') === 'alternate') ?? links[0];
  const link = alt ? attr(alt, 'href') || null : null;
  const irt = find(kids, 'in-reply-to');
  const irtHref = irt ? attr(irt, 'href') : '';
  const author = childrenOf(find(kids, 'author') ?? {});
  return {
    entryId: field('id'),
    messageId: link ? messageIdFromUrl(link) : null,
    title: field('title').replace(/\s+/g, ' '),
    authorName: field('name', author),
    authorEmail: field('email', author),
    updated: Date.parse(field('updated')),
    link,
    inReplyTo: irtHref ? messageIdFromUrl(irtHref) : null,
    content: text(childrenOf(find(kids, 'content') ?? {})).replace(/\r\n/g, '\n'),
  };
}
