import { describe, expect, it } from 'vitest';
import { withoutAbsolutePaths } from './errors.js';

describe('withoutAbsolutePaths', () => {
  it('cuts absolute paths to their last segment and leaves URLs, routes in prose and relative paths alone', () => {
    expect(
      withoutAbsolutePaths(
        'modelPath "../x.json" refused: it resolves to /srv/vigil/x.json, outside the models directory /srv/vigil/models; nothing was copied',
      ),
    ).toBe(
      'modelPath "../x.json" refused: it resolves to …/x.json, outside the models directory …/models; nothing was copied',
    );
    expect(withoutAbsolutePaths('lock /tmp/a b/.vigil.lock is held')).toBe('lock …/a b/.vigil.lock is held');
    expect(withoutAbsolutePaths('model C:\\models\\m.json changed')).toBe('model …/m.json changed');
    expect(withoutAbsolutePaths('see postgres://u@h:5432/db and models/m.json')).toBe(
      'see postgres://u@h:5432/db and models/m.json',
    );
    expect(withoutAbsolutePaths('records[0].timestamp: must be 1/2')).toBe('records[0].timestamp: must be 1/2');
  });
});
