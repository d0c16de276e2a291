import { expect, test } from '@playwright/test';

test('first start imports the demo inbox and lists its threads', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('link', { name: /demo/ })).toBeVisible();
  const rows = page.getByTestId('thread-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(20);
  await expect(page.getByText('INFO: task hung in locks_remove_posix').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/first-start.png' });
});
