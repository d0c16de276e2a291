/** Path of the Chromium binary (CHROMIUM_PATH, else Debian's /usr/bin/chromium). */
export const CHROMIUM_PATH: string;
/** Command-line flags for headless runs in containers and CI. */
export const CHROMIUM_ARGS: string[];
