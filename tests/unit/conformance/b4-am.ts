/**
 * Runs Debian's b4 and Loupe on the same thread and reduces both am-ready
 * mboxes to what must agree: the patch subjects in order and each patch's
 * trailer lines above its `---`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ParsedMessage } from '../../../src/core/message';
import { amReady, writeAmMbox } from '../../../src/core/series/am';
import { detectSeries } from '../../../src/core/series/detect';
import { threadAround } from '../../../src/core/series/gather';

const run = promisify(execFile);

/** One patch of an am-ready mbox, reduced to what is compared. */
export interface AmDigest {
  subject: string;
  trailers: string[];
  message: string;
}

/** Splits a `From git@z` mbox and keeps subjects, trailer lines and commit messages. */
export function digest(mbox: string): AmDigest[] {
  return mbox
    .split(/^From git@z Thu Jan {2}1 00:00:00 1970\n/m)
    .filter((m) => m.trim())
    .map((m) => {
      const blank = m.indexOf('\n\n');
      const head = m.slice(0, blank).replace(/\n[ \t]+/g, ' ');
      const body = m.slice(blank + 2);
      const message = body.split(/^---$/m)[0].trimEnd();
      return {
        subject: /^Subject: (.*)$/m.exec(head)?.[1] ?? '',
        trailers: message.split('\n').filter((l) => /^[\w-]+: \S/.test(l)),
        message: message.replace(/[ \t]+$/gm, ''),
      };
    });
}

/** b4 is installed (Debian's package). */
export async function haveB4(): Promise<boolean> {
  try {
    await run('b4', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** `b4 --offline-mode am -t` on an mbox file, the mbox it writes. */
export async function b4Am(mbox: string, msgid: string): Promise<string> {
  const { stdout } = await run('b4', ['--offline-mode', 'am', '-t', '-m', mbox, '-o', '-', msgid], {
    maxBuffer: 64 << 20,
    // b4 needs a git identity (its own Signed-off-by, unused here); the cache stays out of $HOME.
    env: {
      ...process.env,
      XDG_CACHE_HOME: join(tmpdir(), 'loupe-b4-cache'),
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'user.name',
      GIT_CONFIG_VALUE_0: 'Conformance Test',
      GIT_CONFIG_KEY_1: 'user.email',
      GIT_CONFIG_VALUE_1: 'conformance@loupe.invalid',
    },
  });
  return stdout;
}

/** Loupe's am-ready mbox for the thread of `msgid`. */
export function loupeAm(mails: readonly ParsedMessage[], msgid: string): string {
  const result = amReady(detectSeries(threadAround(mails, msgid)));
  return result ? writeAmMbox(result.patches) : '';
}

/** Writes messages to a temporary mbox (b4 reads mboxo) and returns its path and cleanup. */
export function tempMbox(mails: readonly ParsedMessage[]): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-b4-'));
  const path = join(dir, 'thread.mbox');
  const parts: Buffer[] = [];
  for (const m of mails) {
    const raw = Buffer.from(m.raw).toString('latin1');
    const end = raw.search(/\r?\n\r?\n/);
    const split = end < 0 ? raw.length : end;
    // Unfolded headers mean the same (RFC 5322 2.2.3); b4 0.12 crashes copying a folded Subject.
    const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
    const text = (head + raw.slice(split)).replace(/^(>*From )/gm, '>$1');
    parts.push(Buffer.from(`From mboxrd@z Thu Jan  1 00:00:00 1970\n${text}\n`, 'latin1'));
  }
  writeFileSync(path, Buffer.concat(parts));
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The threads of a mailbox that hold a patch series, each as its messages. */
export function seriesThreads(mails: readonly ParsedMessage[]): ParsedMessage[][] {
  const seen = new Set<string>();
  const out: ParsedMessage[][] = [];
  for (const m of mails) {
    if (seen.has(m.id)) continue;
    const thread = threadAround(mails, m.id);
    for (const t of thread) seen.add(t.id);
    if (detectSeries(thread).versions.length) out.push(thread);
  }
  return out;
}
