import { readFileSync } from 'node:fs';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../../../src/core/message';

/** Tally of one corpus: cases compared, cases passed, and deviations with their reasons. */
export class Tally {
  passed = 0;
  total = 0;
  readonly deviations: string[] = [];
  readonly failures: string[] = [];

  constructor(readonly corpus: string) {}

  /** Records a compared case; a case that differs from the oracle keeps its detail for the report. */
  check(ok: boolean, what: string): boolean {
    this.total++;
    if (ok) this.passed++;
    else this.failures.push(what);
    return ok;
  }

  /** Records a known difference from the oracle that is deliberate or not comparable. */
  deviate(what: string): void {
    this.deviations.push(what);
  }

  /** Prints the summary line (cases matching the oracle / compared), the known deviations and every case that differs; each test sets how many may differ. */
  report(): void {
    const lines = [`CONFORMANCE ${this.corpus}: ${this.passed}/${this.total}`];
    for (const d of this.deviations) lines.push(`  deviation: ${d}`);
    for (const f of this.failures) lines.push(`  differs from the oracle: ${f}`);
    console.log(lines.join('\n'));
  }
}

/** Splits a file like an mbox (a bare message gives one) and parses every message. */
export async function parseFile(path: string): Promise<ParsedMessage[]> {
  return Promise.all(splitMbox(readFileSync(path)).map((raw) => parseMessage(raw)));
}

/** Trailing blanks and CRs are not content; oracles differ on them. */
export function normalizeBody(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}
