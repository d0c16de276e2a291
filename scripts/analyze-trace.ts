/**
 * Prints one JSON line per file with the syzkaller-style summary of its first crash report:
 * {"file","title","alt_titles","type","frame","corrupted"} (title null when there is none).
 * A file is a console log, a mail body (a syzbot report is titled as syzbot titled it), or a
 * whole message with its headers (.eml, or the first message of an mbox), decoded first.
 * Usage: npx tsx scripts/analyze-trace.ts FILE...
 */
import { readFileSync } from 'node:fs';
import { splitMbox } from '../src/core/mbox';
import { parseMessage } from '../src/core/message';
import { analyzeOops } from '../src/core/oops/index';

// Console logs are bytes, not text: valid UTF-8 is kept, anything else is read as latin1 so
// every byte survives as one character and nothing can fail to decode.
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

// A message starts with "From " (mbox) or a header field, and its headers name a sender.
const MESSAGE = /^(?:From .*\n)?(?:[A-Za-z][A-Za-z0-9-]*:[^\n]*\n(?:[ \t][^\n]*\n)*)+\n/;

/** The text to analyse: a message's decoded body, or the file itself. */
async function textOf(bytes: Uint8Array): Promise<string> {
  const head = new TextDecoder('latin1')
    .decode(bytes.subarray(0, 64 * 1024))
    .replace(/\r\n/g, '\n');
  const m = MESSAGE.exec(head);
  if (!m || !/^(?:From|Message-ID|Subject):/im.test(m[0])) return decode(bytes);
  const [first] = splitMbox(bytes);
  return first ? (await parseMessage(first)).text : decode(bytes);
}

let failed = false;
for (const file of process.argv.slice(2)) {
  let line: Record<string, unknown>;
  try {
    const result = analyzeOops(await textOf(readFileSync(file)));
    line = {
      file,
      title: result?.title ?? null,
      alt_titles: result?.altTitles ?? [],
      type: result?.type ?? null,
      frame: result?.frame ?? null,
      corrupted: result?.corrupted ?? false,
    };
  } catch (err) {
    failed = true;
    line = { file, error: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
if (failed) process.exitCode = 1;
