import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../shared';

/** Reads a fixture from tests/fixtures/oops as latin1, the way console bytes are decoded. */
export function fixture(name: string): string {
  return readFileSync(join(projectRoot, 'tests', 'fixtures', 'oops', name)).toString('latin1');
}
