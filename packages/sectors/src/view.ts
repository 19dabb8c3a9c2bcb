import { fileURLToPath } from 'node:url';
import type { PluginView } from '@vigil/core';

/** The dashboard tab: `view/sectors.js`, served from this package. */
export const sectorsView: PluginView = {
  title: 'Sector performance',
  label: 'Sectors',
  route: 'sectors',
  dir: fileURLToPath(new URL('../view/', import.meta.url)),
  script: 'sectors.js',
  order: 10,
};
