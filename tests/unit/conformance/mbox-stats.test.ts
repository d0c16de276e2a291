import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../shared';

function run(...files: string[]): { status: number; lines: unknown[] } {
  const args = ['tsx', join(projectRoot, 'scripts/mbox-stats.ts'), ...files];
  let out: string;
  let status = 0;
  try {
    out = execFileSync('npx', args, { cwd: projectRoot, encoding: 'utf8' });
  } catch (e) {
    const err = e as { status: number; stdout: string };
    status = err.status;
    out = err.stdout;
  }
  return {
    status,
    lines: out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
  };
}

describe('mbox-stats', () => {
  it('prints messages, threads, ghosts, errors and skipped messages per file', () => {
    const file = join(projectRoot, 'tests/fixtures/mail/two.mboxrd');
    const { status, lines } = run(file);
    expect(status).toBe(0);
    expect(lines).toEqual([
      { file, messages: 2, threads: 1, ghosts: 0, errors: 0, skipped: 0, problems: [] },
    ]);
  });

  it('reports an unreadable file, goes on with the others and exits non-zero', () => {
    const good = join(projectRoot, 'tests/fixtures/mail/bare.eml');
    const { status, lines } = run('/nonexistent/mail.mbox', good);
    expect(status).not.toBe(0);
    expect(lines[0]).toMatchObject({
      file: '/nonexistent/mail.mbox',
      messages: 0,
      error: expect.stringContaining('ENOENT'),
    });
    expect(lines[1]).toEqual({
      file: good,
      messages: 1,
      threads: 1,
      ghosts: 0,
      errors: 0,
      skipped: 0,
      problems: [],
    });
  });
});
