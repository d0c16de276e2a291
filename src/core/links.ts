/**
 * The one place that decides whether text taken from mail may become a link.
 * Mail is untrusted: only absolute http(s) URLs with a host pass, so a
 * `javascript:`, `data:` or `file:` value in a body or header stays plain text.
 */
export function safeHref(text: string | null | undefined): string | null {
  if (!text) return null;
  const s = text.trim();
  if (!/^https?:\/\//i.test(s)) return null;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  return s;
}
