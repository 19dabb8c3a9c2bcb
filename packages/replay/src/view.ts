import { fileURLToPath } from 'node:url';
import type { PluginView } from '@vigil/core';

/** The dashboard tab: `view/replay.js`, served from this package. */
export const replayView: PluginView = {
  title: 'Replay buffer',
  route: 'replay',
  dir: fileURLToPath(new URL('../view/', import.meta.url)),
  script: 'replay.js',
  order: 30,
};
