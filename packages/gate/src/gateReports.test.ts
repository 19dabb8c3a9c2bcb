import { describe, expect, it } from 'vitest';
import { pathBelow } from './gateReports.js';

describe('pathBelow', () => {
  const shown = pathBelow('/srv/vigil');
  it('shows paths below the root relative to it, other absolute paths by file name only, relative ones as given', () => {
    expect(shown('/srv/vigil/models/m.json')).toBe('models/m.json');
    expect(shown('/srv/vigil')).toBe('…/vigil');
    expect(shown('/srv/vigil-other/m.json')).toBe('…/m.json');
    expect(shown('/etc/passwd')).toBe('…/passwd');
    expect(shown('../x.json')).toBe('../x.json');
    expect(shown('models/m.json')).toBe('models/m.json');
  });
});
