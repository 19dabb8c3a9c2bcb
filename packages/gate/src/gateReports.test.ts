import { describe, expect, it } from 'vitest';
import { pathBelow } from './gateReports.js';

describe('pathBelow', () => {
  const shown = pathBelow('/srv/vigil');
  it('shows paths below the root relative to it, anything else as given', () => {
    expect(shown('/srv/vigil/models/m.json')).toBe('models/m.json');
    expect(shown('/srv/vigil')).toBe('/srv/vigil');
    expect(shown('/srv/vigil-other/m.json')).toBe('/srv/vigil-other/m.json');
    expect(shown('/etc/passwd')).toBe('/etc/passwd');
    expect(shown('../x.json')).toBe('../x.json');
    expect(shown('models/m.json')).toBe('models/m.json');
  });
});
