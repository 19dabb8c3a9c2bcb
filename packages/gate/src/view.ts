import { fileURLToPath } from 'node:url';
import type { PluginView } from '@vigil/core';

/** The dashboard tab: `view/gate.js`, served from this package. */
export const gateView: PluginView = {
  title: 'Promotion gate',
  route: 'gate',
  dir: fileURLToPath(new URL('../view/', import.meta.url)),
  script: 'gate.js',
  order: 40,
};
