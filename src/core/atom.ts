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

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  isArray: (name) => name === 'entry' || name === 'link' || name === 'in-reply-to',
  textNodeName: '#text',
  processEntities: true,
  htmlEntities: true,
  trimValues: false,
});

type Node = Record<string, unknown>;

function text(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(text).join('');
  if (typeof v === 'object') {
    const o = v as Node;
    let s = '';
    for (const [k, child] of Object.entries(o)) if (!k.startsWith('@')) s += text(child);
    return s;
  }
  return '';
}

/** Extracts the Message-ID from a public-inbox message URL (…/inbox/MSGID/). */
export function messageIdFromUrl(href: string): string | null {
  const m = /\/([^/]+)\/?(?:[Tt]\/?|raw|t\.mbox\.gz)?(?:#.*)?$/.exec(href.replace(/[?#].*$/, ''));
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
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new Error(`not a valid Atom feed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const feed = doc.feed as Node | undefined;
  if (!feed || typeof feed !== 'object') throw new Error('not an Atom feed (no <feed> element)');
  const entries = ((feed.entry as Node[] | undefined) ?? []).map(parseEntry);
  return { title: text(feed.title).trim(), updated: Date.parse(text(feed.updated)), entries };
}

function parseEntry(e: Node): AtomEntry {
  const links = (e.link as Node[] | undefined) ?? [];
  const alt = links.find((l) => !l['@rel'] || l['@rel'] === 'alternate') ?? links[0];
  const link = alt ? String(alt['@href'] ?? '') || null : null;
  const irt = ((e['in-reply-to'] as Node[] | undefined) ?? [])[0];
  const irtHref = irt ? String(irt['@href'] ?? '') : '';
  const author = (e.author as Node | undefined) ?? {};
  return {
    entryId: text(e.id).trim(),
    messageId: link ? messageIdFromUrl(link) : null,
    title: text(e.title).replace(/\s+/g, ' ').trim(),
    authorName: text(author.name).trim(),
    authorEmail: text(author.email).trim(),
    updated: Date.parse(text(e.updated).trim()),
    link,
    inReplyTo: irtHref ? messageIdFromUrl(irtHref) : null,
    content: text(e.content).replace(/\r\n/g, '\n'),
  };
}
