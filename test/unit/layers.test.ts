import { BUDGET, LAYERS, checkLayers } from '../../scripts/check-layers';

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
    for (const folder of ['api', 'activities', 'catalog', 'config', 'db', 'domain', 'embedded', 'logging', 'scripts', 'stack', 'temporal', 'worker', 'workflows']) {
      expect([folder, placed.has(folder)]).toEqual([folder, true]);
    }
  });
});
