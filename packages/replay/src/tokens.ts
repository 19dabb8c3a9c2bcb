import { defineToken } from '@vigil/core';
import type { ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import type { ReplayOptions } from './config.js';

export const errorReplayBufferToken = defineToken<ErrorReplayBuffer>('replay.buffer');
export const replayOptionsToken = defineToken<ReplayOptions>('replay.options');
