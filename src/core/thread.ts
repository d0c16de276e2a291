/**
 * JWZ threading (https://www.jwz.org/doc/threading.html), as public-inbox's
 * SearchThread does it: containers linked by References/In-Reply-To, ghost
 * containers for referenced-but-missing messages (shown as "[not found]"),
 * cycle protection, subject fallback only for messages without references,
 * children ordered by date.
 */
import type { ThreadNode } from './types';

/** What the threader needs of a message. */
export interface ThreadInput {
  id: string;
  date: number;
  /** Ancestor ids, oldest first; the last one is the parent. */
  references: string[];
  subject: string;
}

/** One thread: its tree and every id in it (ghosts included). */
export interface BuiltThread {
  rootId: string;
  tree: ThreadNode;
  /** Ids of real messages in the thread. */
  messageIds: string[];
  /** Ids of ghost containers. */
  ghostIds: string[];
}

interface Container {
  id: string;
  input: ThreadInput | null;
  parent: Container | null;
  children: Container[];
}

const REPLY_PREFIX = /^\s*((re|fwd?|aw|sv|antw)(\[\d+\])?\s*:\s*)+/i;

/** True if a subject marks a reply ("Re:", "Fwd:", "AW:" ...). */
export function isReplySubject(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

/** The subject used to group messages without references: no reply prefixes or list tags. */
export function subjectKey(subject: string): string {
  let s = subject;
  for (let prev = ''; prev !== s;) {
    prev = s;
    s = s.replace(REPLY_PREFIX, '').replace(/^\s*\[[^\]]*\]\s*/, '');
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

function isAncestor(maybeAncestor: Container, c: Container): boolean {
  for (let p: Container | null = c; p; p = p.parent) if (p === maybeAncestor) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  if (child.parent === parent || parent === child) return;
  if (isAncestor(child, parent)) return; // would make a cycle
  if (child.parent) {
    const siblings = child.parent.children;
    siblings.splice(siblings.indexOf(child), 1);
  }
  child.parent = parent;
  parent.children.push(child);
}

/** Threads a set of messages into trees, roots ordered by date. */
export function buildThreads(inputs: Iterable<ThreadInput>): BuiltThread[] {
  const all = new Map<string, Container>();
  const get = (id: string): Container => {
    let c = all.get(id);
    if (!c) {
      c = { id, input: null, parent: null, children: [] };
      all.set(id, c);
    }
    return c;
  };
  const messages: ThreadInput[] = [];
  for (const m of inputs) {
    const c = get(m.id);
    if (c.input) continue; // duplicate Message-ID: the first one wins
    c.input = m;
    messages.push(m);
  }
  for (const m of messages) {
    const c = get(m.id);
    // Link the chain of references, each to the next, without breaking links already made.
    let prev: Container | null = null;
    for (const ref of m.references) {
      const r = get(ref);
      if (prev && !r.parent) link(prev, r);
      prev = r;
    }
    // The message's own References are the best word on its parent.
    if (prev && prev !== c && !isAncestor(c, prev)) link(prev, c);
  }
  subjectFallback(all);

  // A ghost nobody hangs under (its only link refused as a cycle) is not a thread.
  const roots = [...all.values()].filter((c) => !c.parent && (c.input || c.children.length));
  const threads = roots.map(toThread);
  threads.sort((a, b) => a.tree.date - b.tree.date || cmp(a.rootId, b.rootId));
  return threads;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A root reply without references joins the oldest root with the same subject key. */
function subjectFallback(all: Map<string, Container>): void {
  const bySubject = new Map<string, Container>();
  const roots = [...all.values()].filter((c) => !c.parent && c.input);
  roots.sort((a, b) => (a.input?.date ?? 0) - (b.input?.date ?? 0));
  for (const c of roots) {
    const m = c.input;
    if (!m) continue;
    const key = subjectKey(m.subject);
    if (!key) continue;
    const owner = bySubject.get(key);
    if (owner && m.references.length === 0 && isReplySubject(m.subject)) link(owner, c);
    else if (!owner) bySubject.set(key, c);
  }
}

function toThread(root: Container): BuiltThread {
  const messageIds: string[] = [];
  const ghostIds: string[] = [];
  const build = (c: Container): ThreadNode => {
    const children = c.children.map(build);
    children.sort((a, b) => a.date - b.date || cmp(a.id, b.id));
    if (c.input) messageIds.push(c.id);
    else ghostIds.push(c.id);
    const date = c.input ? c.input.date : children.length ? children[0].date : 0;
    return { id: c.id, ghost: !c.input, date, children };
  };
  const tree = build(root);
  return { rootId: root.id, tree, messageIds, ghostIds };
}

/** Turns a stored tree back into threader inputs (ancestor paths as references). */
export function treeToInputs(
  tree: ThreadNode,
  subjectOf: (id: string) => string,
  out: ThreadInput[] = [],
  path: string[] = [],
): ThreadInput[] {
  if (!tree.ghost)
    out.push({ id: tree.id, date: tree.date, references: path, subject: subjectOf(tree.id) });
  const childPath = [...path, tree.id];
  for (const c of tree.children) treeToInputs(c, subjectOf, out, childPath);
  return out;
}

/** A node in depth-first order with its depth and parent id. */
export interface FlatNode {
  node: ThreadNode;
  depth: number;
  parentId: string | null;
}

/** Depth-first walk of a tree, as the nested view lists it. */
export function flattenTree(tree: ThreadNode): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (n: ThreadNode, depth: number, parentId: string | null): void => {
    out.push({ node: n, depth, parentId });
    for (const c of n.children) walk(c, depth + 1, n.id);
  };
  walk(tree, 0, null);
  return out;
}
