/**
 * Naming the inbox a file import goes into: a name suggested from the mail's
 * most frequent List-Id (the list's short name, as lore names its inboxes) or
 * else from the file name, and the rules every inbox name follows.
 */
import { ALL } from './constants';

/** Inbox names are at most this long (lore's longest list names are about 40). */
export const MAX_INBOX_NAME = 64;

/** The list ids of some messages, most frequent first, with how many messages carry each. */
export function countListIds(ids: readonly (string | null)[]): { id: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const id of ids) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts]
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
}

/** A list's short name from its list id: `linux-usb.vger.kernel.org` -> `linux-usb`. */
export function nameFromListId(listId: string): string {
  return cleanName(listId.split('.')[0] || listId);
}

/** An inbox name from a file name: `linux-usb-2024.mbox.gz` -> `linux-usb-2024`. */
export function nameFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return cleanName(base.replace(/(\.(gz|mbox|mboxrd|mbx|eml|txt))+$/i, '') || base);
}

/** Where a suggested name came from, for the dialog to say. */
export type NameSource =
  { kind: 'list-id'; listId: string; count: number; of: number } | { kind: 'file'; file: string };

/** The suggested name for an import and why: the most frequent List-Id, else the first file's name. */
export function suggestInboxName(
  listIds: readonly (string | null)[],
  fileNames: readonly string[],
): { name: string; source: NameSource } {
  const top = countListIds(listIds)[0];
  if (top) {
    const name = nameFromListId(top.id);
    if (!inboxNameProblem(name))
      return {
        name,
        source: { kind: 'list-id', listId: top.id, count: top.count, of: listIds.length },
      };
  }
  const file = fileNames[0] ?? '';
  const name = nameFromFileName(file);
  // A file named after a reserved word (lore's all.mbox.gz) still gets a usable name.
  return { name: inboxNameProblem(name) ? 'local' : name, source: { kind: 'file', file } };
}

/**
 * Why a name cannot name an inbox, or null when it can. `all`, `*` and names
 * starting with `_` are taken by the app's own routes (every inbox, the crash
 * index, settings).
 */
export function inboxNameProblem(name: string): string | null {
  if (!name.trim()) return 'Give the inbox a name.';
  if (name !== name.trim()) return 'An inbox name does not start or end with a space.';
  if (name.length > MAX_INBOX_NAME)
    return `An inbox name has at most ${MAX_INBOX_NAME} characters.`;
  if (name === ALL || name.toLowerCase() === 'all')
    return `"${name}" means every inbox; choose another name.`;
  if (name.startsWith('_')) return 'An inbox name does not start with "_".';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f/\\]/.test(name))
    return 'An inbox name has no "/", "\\" or control characters.';
  return null;
}

/** Trims what a name may not hold from a suggestion (the user can edit it further). */
function cleanName(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- control characters are dropped
      .replace(/[\u0000-\u001f\u007f/\\]+/g, '-')
      .replace(/^[_\s]+/, '')
      .trim()
      .slice(0, MAX_INBOX_NAME)
      .trim()
  );
}
