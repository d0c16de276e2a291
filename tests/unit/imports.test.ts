/**
 * The module graph of src and workers, read from their import lines (type
 * imports included: a cycle of types is still two modules that need each other).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './shared';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && /\.(ts|svelte)$/.test(f.name))
    .map((f) => join(f.parentPath, f.name));
}

const IMPORT =
  /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

/** Relative imports of each module, resolved to files (bare package imports are left out). */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of [
    ...sources(join(projectRoot, 'src')),
    ...sources(join(projectRoot, 'workers')),
  ]) {
    const deps: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const base = resolve(dirname(file), m[1] ?? m[2]);
      const hit = [base, `${base}.ts`, join(base, 'index.ts')].find(
        (c) => existsSync(c) && statSync(c).isFile(),
      );
      if (hit) deps.push(hit);
    }
    out.set(file, deps);
  }
  return out;
}

/** Every cycle met by a depth-first walk, as the files around it. */
function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of g.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) walk(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (!state.has(f)) walk(f);
  return found.map((c) => c.map((f) => relative(projectRoot, f)));
}

describe('module graph', () => {
  const g = graph();

  it('reads the imports of every module', () => {
    expect(g.size).toBeGreaterThan(100);
    const search = join(projectRoot, 'src/db/search/run.ts');
    expect(g.get(search)).toContain(join(projectRoot, 'src/db/search/plan.ts'));
  });

  it('has no import cycle', () => {
    expect(cycles(g)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const a = join(projectRoot, 'a.ts');
    const b = join(projectRoot, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
