/** Flags for headless Chromium on a closed network. */
export declare const CHROMIUM_ARGS: readonly string[];

export interface FoundChromium {
  readonly executablePath: string;
  readonly args: string[];
  /** The environment to launch it with, where it needs one (a locale for the npm-shipped build). */
  readonly env?: Record<string, string | undefined>;
  /** 'CHROMIUM_PATH', 'system' or 'npm:@sparticuz/chromium'. */
  readonly source: string;
}

/**
 * A Chromium for browser tests: `CHROMIUM_PATH`, else the system's (Debian's `chromium`), else the
 * one the npm package `@sparticuz/chromium` ships (unpacked to the temp directory on first use).
 * `VIGIL_CHROMIUM=npm` forces the npm-shipped one.
 */
export declare function findChromium(): Promise<FoundChromium>;
