import { APART, BUDGET, LAYERS, checkLayers } from '../../scripts/check-layers';

describe('the layers of the code (README "How it is built")', () => {
  it('when the import graph is read, then it has no cycle and no import from a lower layer to a higher one', () => {
    const report = checkLayers();
    expect(report.files).toBeGreaterThan(50);
    expect(report.cycles).toEqual([]);
    expect(report.upward).toEqual([]);
    expect(BUDGET).toEqual({ cycles: 0, upward: 0 });
  });

  it('when a folder holds application code, then it has a layer', () => {
    const placed = new Set(LAYERS.flat());
    for (const folder of [
      'api',
      'activities',
      'app',
      'catalog',
      'config',
      'db',
      'domain',
      'embedded',
      'logging',
      'scripts',
      'stack',
      'temporal',
      'worker',
      'workflows',
    ]) {
      expect([folder, placed.has(folder)]).toEqual([folder, true]);
    }
  });

  it('when the API and the pages are read, then neither imports the other and app/ sits between them and the layers below', () => {
    expect(APART).toContainEqual(['api', 'web']);
    const floor = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));
    for (const below of ['domain', 'db', 'workflows', 'activities', 'temporal', 'catalog'])
      expect([below, floor(below) < floor('app')]).toEqual([below, true]);
    for (const above of ['api', 'web']) expect([above, floor(above) > floor('app')]).toEqual([above, true]);
  });
});
