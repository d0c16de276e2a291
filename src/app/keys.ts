/** The key map: lore-reader keys for people who never touch the mouse. */
import { adjacentThread, threadOf } from '../db/queries';
import { getDB } from '../db/schema';
import { reader } from './state/reader.svelte';
import { router } from './state/route.svelte';

/** Keys and what they do, shown by "?". */
export const KEYMAP: [string, string][] = [
  ['j / k', 'next / previous message (or thread in the list)'],
  ['n / p', 'next / previous thread'],
  ['N', 'next thread with unread messages'],
  ['o', 'fold / unfold the current message'],
  ['u', 'back to the thread list'],
  ['t', 'toggle nested / flat thread view'],
  ['r', 'raw message'],
  ['w', 'watch / stop watching the thread'],
  ['/', 'focus the search / open box'],
  ['?', 'show / hide this help'],
  ['Esc', 'close help, leave the search box'],
];

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

async function goThread(dir: 1 | -1, unreadOnly = false): Promise<void> {
  const { inbox, msgid } = router.route;
  if (!msgid) return;
  const db = getDB();
  const t = await threadOf(db, msgid);
  if (!t) return;
  const next = await adjacentThread(db, inbox, t, dir, unreadOnly);
  if (!next) return;
  const id = next.tree.ghost ? (next.tree.children[0]?.id ?? next.id) : next.id;
  router.go({ inbox, msgid: id, view: router.route.view === 'flat' ? 'flat' : 'message' });
}

function step(dir: 1 | -1): void {
  const { msgid } = router.route;
  const order = reader.order;
  if (!msgid || !order.length) return;
  const i = order.indexOf(msgid);
  const next = order[Math.max(0, Math.min(order.length - 1, (i < 0 ? 0 : i) + dir))];
  if (next && next !== msgid) router.replace({ ...router.route, msgid: next });
}

/** Handles one keydown; returns true when it was ours. */
export function handleKey(e: KeyboardEvent): boolean {
  if (e.key === 'Escape') {
    reader.showHelp = false;
    if (typing(e)) (e.target as HTMLElement).blur();
    return true;
  }
  if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return false;
  const r = router.route;
  const inThread = r.msgid !== null && r.view !== 'list';
  switch (e.key) {
    case '?':
      reader.showHelp = !reader.showHelp;
      return true;
    case '/':
      document.querySelector<HTMLInputElement>('[data-search-box]')?.focus();
      return true;
    case 'u':
      router.go({ inbox: r.inbox, msgid: null, view: 'list' });
      return true;
    case 'j':
    case 'k':
      if (inThread) step(e.key === 'j' ? 1 : -1);
      else
        document.dispatchEvent(
          new CustomEvent('loupe:list-step', { detail: e.key === 'j' ? 1 : -1 }),
        );
      return true;
    case 'n':
    case 'p':
      if (inThread) void goThread(e.key === 'n' ? 1 : -1);
      return true;
    case 'N':
      if (inThread) void goThread(1, true);
      return true;
    case 'o':
      if (inThread && r.msgid) reader.toggleFold(r.msgid);
      return true;
    case 't':
      if (inThread) router.go({ ...r, view: r.view === 'flat' ? 'nested' : 'flat' });
      return true;
    case 'r':
      if (inThread) router.go({ ...r, view: 'raw' });
      return true;
    case 'w':
      if (inThread) document.dispatchEvent(new CustomEvent('loupe:watch'));
      return true;
    default:
      return false;
  }
}
