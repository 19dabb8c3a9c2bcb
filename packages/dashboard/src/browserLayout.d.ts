import type { Locator, Page } from 'playwright-core';

/** The screen sizes every view is checked at: a desktop (1440x900) and a phone (390x844). */
export declare const SCREENS: readonly { name: 'desktop' | 'phone'; width: number; height: number }[];

/**
 * What is wrong with the page's layout as it stands: page overflow, text cut off by its box,
 * elements off screen (`problems`), and the tables that scroll sideways inside their card.
 */
export declare function layoutProblems(page: Page): Promise<{ problems: string[]; scrollingTables: string[] }>;

/** The rows (by selector) whose tap at the middle of their first cell lands on another element. */
export declare function tapMisses(page: Page, rowSelector: string): Promise<string[]>;

/** The middle of a row's first cell, in window coordinates, after scrolling it into view. */
export declare function tapPoint(locator: Locator): Promise<{ x: number; y: number }>;
