/**
 * The parse worker's TextDecoder: short ASCII inputs are made into strings by the
 * script. postal-mime decodes a MIME part a line at a time (each header line, each
 * 77-byte base64 line) and in Chromium each TextDecoder call costs about 5 µs
 * whatever its length: most of postal-mime's time on real list mail with signed or
 * attached parts. ASCII bytes read the same in UTF-8 and windows-1252, so those
 * decoders give the same text; any other input or encoding, and any call after a
 * streamed one (which may have left bytes behind), goes to the browser's decoder.
 *
 * Installed when this module is evaluated: import it before anything that makes
 * a decoder as it loads (postal-mime keeps module-level ones).
 */
import { shortAsciiText } from '../src/core/decode';

const BrowserTextDecoder = globalThis.TextDecoder;
const SAME_FOR_ASCII: ReadonlySet<string> = new Set(['utf-8', 'windows-1252']);

/** TextDecoder with short ASCII inputs decoded by the script. */
export class ScriptTextDecoder extends BrowserTextDecoder {
  private streaming = false;

  override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
    if (
      !this.streaming &&
      !options?.stream &&
      input instanceof Uint8Array &&
      SAME_FOR_ASCII.has(this.encoding)
    ) {
      const text = shortAsciiText(input);
      if (text !== null) return text;
    }
    this.streaming = options?.stream === true;
    return super.decode(input, options);
  }
}

globalThis.TextDecoder = ScriptTextDecoder;
