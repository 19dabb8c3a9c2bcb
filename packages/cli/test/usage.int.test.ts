import { describe, expect, it } from 'vitest';
import { cliWorkspace } from './cliHarness.js';

describe('vigil plugin commands: usage errors exit 2 and write nothing', () => {
  it('refuses a disabled plugin, bad option values, missing required options and unwritable targets', async () => {
    const w = await cliWorkspace(
      'sqlite-file',
      (dir) => `plugins:\n  sectors: { enabled: false }\n  gate:\n    options: { root: ${JSON.stringify(dir)} }\n`,
    );
    try {
      const disabled = await w.cli(['sectors', 'report']);
      expect(disabled.code).toBe(2);
      expect(disabled.stderr).toMatch(
        /the sectors plugin is disabled in the config \(plugins\.sectors\.enabled: false\)/,
      );

      const empty = await w.cli(['replay', 'export', '--sample', '5']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/the replay buffer is empty/);
      expect((await w.cli(['replay', 'export', '--sample', '0'])).code).toBe(2);
      expect((await w.cli(['replay', 'stats', '--top', 'ten'])).stderr).toMatch(/--top.*must be an integer/);
      const unwritable = await w.cli(['replay', 'export', `${w.dir}/missing/dir/errors.csv`]);
      expect(unwritable.code).toBe(2);
      expect(unwritable.stderr).toMatch(/cannot write .*errors\.csv/);
      expect((await w.cli(['replay', 'export', '--format', 'parquet'])).stderr).toMatch(
        /--format must be jsonl or csv/,
      );

      const noValidation = await w.cli(['gate', 'validate', 'm.pkl']);
      expect(noValidation.code).toBe(2);
      expect(noValidation.stderr).toMatch(/--validation/);
      const notJson = await w.cli(['gate', 'validate', 'm.pkl', '--validation', w.file('v.json', '{accuracy: 0.7')]);
      expect(notJson.code).toBe(2);
      expect(notJson.stderr).toMatch(/is not JSON/);
      expect((await w.cli(['gate', 'rollback', '--kind', 'folder'])).code).toBe(2);
      expect((await w.cli(['gate', 'history', '--limit', '0'])).code).toBe(2);

      // Nothing above reached the history: only a rollback refusal would have been logged, and --kind was refused before it.
      const history = JSON.parse((await w.cli(['gate', 'history', '--json'])).stdout);
      expect(history.total).toBe(0);
    } finally {
      await w.cleanup();
    }
  });
});
