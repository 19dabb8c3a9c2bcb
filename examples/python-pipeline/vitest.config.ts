import { defineConfig } from 'vitest/config';
import { vigilTestConfig } from '../../vitest.shared.js';

export default defineConfig(vigilTestConfig);
