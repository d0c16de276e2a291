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

/**
 * References kept per message: the newest 500. The parent and its nearest ancestors decide
 * where a message goes; older ids only matter when all 500 between are missing. Real
 * threads stay far below (the deepest in the test corpora has 22, deep LKML review threads
 * some dozens), and the cap bounds threading work per message whatever a header holds.
 */
export const MAX_REFERENCES = 500;

/**
 * Ancestors looked at for a cycle before a link is refused. A link is checked only when the
 * child already has children, so ordinary threads never walk far; the bound keeps a crafted
 * chain from making every link walk the whole thread.
 */
const MAX_WALK = 10_000;

/** True if `maybeAncestor` is `c` or above it, or (past MAX_WALK) cannot be ruled out. */
function isAncestor(maybeAncestor: Container, c: Container): boolean {
  // A container without children is nobody's ancestor but its own.
  if (!maybeAncestor.children.length) return maybeAncestor === c;
  let steps = 0;
  for (let p: Container | null = c; p; p = p.parent) {
    if (p === maybeAncestor || ++steps > MAX_WALK) return true;
  }
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
    const refs = m.references;
    for (let i = Math.max(0, refs.length - MAX_REFERENCES); i < refs.length; i++) {
      const r = get(refs[i]);
      if (prev && !r.parent) link(prev, r);
      prev = r;
    }
    // The message's own References are the best word on its parent.
    if (prev) link(prev, c);
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

const byDateThenId = (a: ThreadNode, b: ThreadNode) => a.date - b.date || cmp(a.id, b.id);

/** Builds the stored tree of a root, iteratively: a thread may be deeper than the stack. */
function toThread(root: Container): BuiltThread {
  const messageIds: string[] = [];
  const ghostIds: string[] = [];
  const nodes = new Map<Container, ThreadNode>();
  // Depth-first order; nodes are finished in reverse, so children come before their parent.
  const order: Container[] = [];
  for (const stack = [root]; stack.length;) {
    const c = stack.pop() as Container;
    order.push(c);
    for (const child of c.children) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const c = order[i];
    const children = c.children.map((child) => nodes.get(child) as ThreadNode);
    children.sort(byDateThenId);
    if (c.input) messageIds.push(c.id);
    else ghostIds.push(c.id);
    const date = c.input ? c.input.date : children.length ? children[0].date : 0;
    nodes.set(c, { id: c.id, ghost: !c.input, date, children });
  }
  return { rootId: root.id, tree: nodes.get(root) as ThreadNode, messageIds, ghostIds };
}

/**
 * Turns a stored tree back into threader inputs. A message's references run from its
 * nearest real ancestor (which is an input itself, so it keeps its own place) down to its
 * parent, ghosts between included: the tree comes back the same, and a deep thread does
 * not cost its depth per message.
 */
export function treeToInputs(
  tree: ThreadNode,
  subjectOf: (id: string) => string,
  out: ThreadInput[] = [],
): ThreadInput[] {
  for (const { node, path, lastReal } of walk(tree)) {
    if (node.ghost) continue;
    const from = Math.max(lastReal, path.length - MAX_REFERENCES, 0);
    out.push({
      id: node.id,
      date: node.date,
      references: path.slice(from),
      subject: subjectOf(node.id),
    });
  }
  return out;
}

/**
 * Depth-first walk with each node's ancestor ids and the index in them of its nearest real
 * (not ghost) ancestor, -1 if none; iterative, as trees may be deeper than the stack.
 */
function* walk(
  tree: ThreadNode,
): Generator<{ node: ThreadNode; path: string[]; lastReal: number }> {
  const path: string[] = [];
  // Each entry: a node, how many ancestors it has (the path is cut back to that), lastReal.
  const stack: [ThreadNode, number, number][] = [[tree, 0, -1]];
  while (stack.length) {
    const [node, depth, lastReal] = stack.pop() as [ThreadNode, number, number];
    path.length = depth;
    yield { node, path, lastReal };
    path.push(node.id);
    const below = node.ghost ? lastReal : depth;
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push([node.children[i], depth + 1, below]);
    }
  }
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
  for (const { node, path } of walk(tree)) {
    out.push({ node, depth: path.length, parentId: path.length ? path[path.length - 1] : null });
  }
  return out;
}
