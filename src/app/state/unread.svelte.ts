/**
 * Unread counts: per inbox for the inbox list, and of the followed (remote)
 * inboxes for the tab title, "(12) Loupe". Counted by the search worker (as
 * saved searches are) whenever mail is stored or read.
 */
import { unreadQuery, unreadTitle } from '../../core/autosync';
import { listInboxes, mailChangeKey } from '../../db/queries';
import { getDB } from '../../db/schema';
import { live } from './live.svelte';
import { search } from './search.svelte';

/** Counts stop here: past it the list says "999+". */
const CAP = 999;

type Count = { count: number; capped: boolean };

class UnreadCounts {
  /** Unread messages per inbox name (absent until counted). */
  byInbox = $state.raw<ReadonlyMap<string, Count>>(new Map());
  /** Unread messages in followed inboxes, null when none is followed. */
  followed = $state.raw<Count | null>(null);
  private started = false;

  /** Starts counting, and keeps the tab title in step (once per page). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const db = getDB();
    const count = search.latestCounts(CAP, (rs, names: string[]) => {
      this.byInbox = new Map(names.flatMap((n, i) => (rs[i] ? [[n, rs[i]] as const] : [])));
      this.followed = rs.length > names.length ? (rs[names.length] ?? null) : null;
    });
    $effect.root(() => {
      const inboxes = live(
        () => null,
        () => listInboxes(db),
        null,
      );
      // Re-count when mail is stored or read (once both are known: not for the empty start).
      const changes = live(
        () => null,
        () => mailChangeKey(db),
        null,
      );
      $effect(() => {
        if (changes.current === null || inboxes.current === null) return;
        const names = inboxes.current.map((ib) => ib.name);
        const followed = unreadQuery(inboxes.current.filter((ib) => ib.url).map((ib) => ib.name));
        const queries = names.map((inbox) => ({ query: 'is:unread', inbox }));
        if (followed) queries.push({ query: followed, inbox: '*' });
        count(queries, names);
      });
      $effect(() => {
        document.title = unreadTitle(this.followed);
      });
    });
  }
}

/** Unread counts shared by the inbox list and the tab title. */
export const unread = new UnreadCounts();
