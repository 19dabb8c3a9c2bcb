import { fileURLToPath } from 'node:url';
import type { PluginView } from '@vigil/core';

/** The dashboard tab: `view/drift.js`, served from this package. */
export const driftView: PluginView = {
  title: 'Drift timeline',
  label: 'Drift',
  route: 'drift',
  dir: fileURLToPath(new URL('../view/', import.meta.url)),
  script: 'drift.js',
  order: 20,
};
