import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A project fixture path. */
export const fixture = (name: string) => join(root, 'tests/fixtures', name);

/** Writes `messages` generated LKML-like messages (tools/gen_mbox.py, the same for a seed) to `file`. */
export function generateMbox(file: string, messages: number, seed: number): string {
  mkdirSync(dirname(file), { recursive: true });
  execFileSync('python3', [
    join(root, 'tools/gen_mbox.py'),
    '--messages',
    String(messages),
    '--seed',
    String(seed),
    '--out',
    file,
  ]);
  return file;
}

/** ../shared/corpus/SUB beside the clone, or null (with a notice) when absent. */
export function shared(sub: string): string | null {
  const p = join(root, '..', 'shared', 'corpus', sub);
  if (existsSync(p)) return p;
  console.warn(`NOTICE: ${p} is absent; skipping the steps that need it.`);
  return null;
}

/** Opens the app and waits until the demo inbox is imported. */
export async function start(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
}

/**
 * Imports files through the "Import files…" input into the inbox `into` ("local" unless
 * told): the existing inbox of that name, else a new one, as the import dialog offers.
 * Waits for the result and returns the status line.
 */
export async function importFiles(page: Page, files: string[], into = 'local'): Promise<string> {
  await page.getByTestId('file-input').setInputFiles(files);
  await chooseImportInbox(page, into);
  const status = page.getByTestId('import-status');
  await expect(
    status.getByTestId('import-done').or(status.getByTestId('import-error')),
  ).toBeVisible({
    timeout: 60_000,
  });
  return ((await status.textContent()) ?? '').replace(/\s+/g, ' ');
}

/** Answers the import dialog: into the existing inbox `into`, or a new one of that name. */
export async function chooseImportInbox(page: Page, into: string): Promise<void> {
  const dialog = page.getByTestId('import-dest');
  // The suggested name comes first; what is chosen here must not be overwritten by it.
  await expect(dialog.getByTestId('import-name-source')).not.toContainText('Reading');
  const existing = dialog.getByTestId('import-existing-inbox');
  if (await existing.getByRole('option', { name: into, exact: true }).count()) {
    await dialog.getByTestId('import-existing').check();
    await existing.selectOption(into);
  } else {
    await dialog.getByTestId('import-new').check();
    await dialog.getByTestId('import-name').fill(into);
  }
  await dialog.getByTestId('import-go').click();
  await expect(dialog).toBeHidden();
}

/** Answers the "how much history" question asked after adding an inbox. */
export async function chooseHistory(page: Page, label: string): Promise<void> {
  const dialog = page.getByTestId('add-history');
  await dialog.locator('label').filter({ hasText: label }).getByRole('radio').check();
  await dialog.getByTestId('add-history-fetch').click();
}
