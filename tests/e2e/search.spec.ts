import { expect, test } from '@playwright/test';

test('search: highlighted results, open in thread, inline error, works offline', async ({
  page,
  context,
}) => {
  await page.goto('./');
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });

  const box = page.locator('[data-search-box]');
  await page.keyboard.press('/');
  await expect(box).toBeFocused();
  await box.fill('s:locks_remove_posix');
  await expect(page).toHaveURL(/#\/all\/\?q=s%3Alocks_remove_posix/);
  const results = page.getByTestId('search-result');
  await expect(results.first()).toBeVisible();
  await expect(results.first().locator('mark').first()).toHaveText(/locks_remove_posix/i);
  const n = await results.count();
  for (let i = 0; i < n; i++)
    await expect(results.nth(i).locator('.line-subject')).toContainText(/locks_remove_posix/i);
  await expect(results.first()).toContainText(/message \d+ of \d+ in/);

  await page.getByRole('button', { name: 'Save search' }).click();
  await expect(page.getByTestId('saved-searches')).toContainText('s:locks_remove_posix');

  await results.first().locator('a.hit-head').click();
  await expect(page).toHaveURL(/#\/all\/[^?]+\/$/);
  await expect(page.getByText('INFO: task hung in locks_remove_posix').first()).toBeVisible();

  await box.fill('s:(foo');
  await expect(page.getByTestId('search-error')).toBeVisible();
  await expect(page.getByTestId('search-result')).toHaveCount(0);

  // No service worker is registered yet (PWA work is elsewhere), so offline here
  // means: after the first load, with the network gone, search still answers.
  await context.setOffline(true);
  await box.fill('"task hung" f:syzbot');
  await expect(results.first()).toBeVisible();
  await expect(results.first().locator('mark').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/search.png' });
});
