/** Bytes of mail to text: UTF-8 when valid, else windows-1252 (what mail in the wild means). */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const win1252 = new TextDecoder('windows-1252');

/** Decodes bytes as UTF-8, or as windows-1252 when they are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return win1252.decode(bytes);
  }
}
