import { describe, expect, it } from 'vitest';
import { LARGE_NETWORK, commonSuffix, mercator, outageRadius, overlaps, placeLabels, sizesFor, substationLabels } from './mapgeom.ts';

describe('map geometry', () => {
  it('projects like Leaflet (Web Mercator, normalised)', () => {
    expect(mercator(0, 0)).toEqual([0.5, 0.5]);
    const [x, y] = mercator(-79.8, 36.07);
    // Leaflet's SphericalMercator + EPSG3857 transformation at zoom 0 (256 px world).
    expect(x * 256).toBeCloseTo(((-79.8 + 180) / 360) * 256, 9);
    expect(y * 256).toBeCloseTo((0.5 - Math.log(Math.tan(Math.PI / 4 + (36.07 * Math.PI) / 360)) / (2 * Math.PI)) * 256, 9);
    expect(mercator(0, 89)[1]).toBeCloseTo(mercator(0, 85.0511287798)[1], 12);
  });

  it('shrinks normal dots with density and keeps abnormal ones visible', () => {
    const rem = 16;
    const small = sizesFor(72, 800 * 800, rem);
    expect(small.node).toBeCloseTo(rem * 0.28);
    expect(small.fast).toBe(false);
    const big = sizesFor(17_963, 800 * 800, rem);
    expect(big.node).toBeLessThan(1.25);
    expect(big.fast).toBe(true);
    expect(big.hot).toBeGreaterThanOrEqual(rem * 0.17);
    expect(big.hot).toBeGreaterThan(big.node * 2);
    expect(big.line).toBeLessThan(small.line);
    // 4K: everything twice as large in px.
    const big4k = sizesFor(17_963, 1600 * 1600, rem * 2);
    expect(big4k.hot).toBeCloseTo(big.hot * 2);
    expect(sizesFor(LARGE_NETWORK, 1e6, rem).substation).toBeLessThan(small.substation);
  });

  it('sizes the outage disc by customers, bounded', () => {
    expect(outageRadius(1, 16)).toBeLessThan(outageRadius(146, 16));
    expect(outageRadius(1_000_000, 16)).toBe(16 * 5);
    expect(outageRadius(-3, 16)).toBeCloseTo(16 * 0.6);
  });

  it('finds a shared suffix that starts at a separator', () => {
    expect(commonSuffix(['uhs0_1247', 'uhs10_1247', 'uhs2_1247'])).toBe('_1247');
    expect(commonSuffix(['SS01', 'SS11'])).toBe('');
    expect(commonSuffix(['a_x', 'b_x', '_x'])).toBe('');
    expect(commonSuffix(['only_1'])).toBe('');
  });

  it('labels substations shortly', () => {
    const subs = [
      { id: 'uhs0_1247', name: '变电站 uhs0_1247 / Substation uhs0_1247' },
      { id: 'uhs10_1247', name: '变电站 uhs10_1247 / Substation uhs10_1247' },
    ];
    expect([...substationLabels(subs, 'en', true).values()]).toEqual(['uhs0', 'uhs10']);
    const demo = [{ id: 'SS01', name: '变电站 1 / Substation 1' }];
    expect(substationLabels(demo, 'zh-CN', false).get('SS01')).toBe('变电站 1');
    expect(substationLabels(demo, 'en', false).get('SS01')).toBe('Substation 1');
  });

  it('places labels without collisions, leaving out those that do not fit', () => {
    const bounds = { x: 0, y: 0, w: 200, h: 100 };
    const placed = placeLabels(
      [
        { id: 'a', x: 50, y: 50, w: 40, h: 10, gap: 5 },
        { id: 'b', x: 60, y: 50, w: 40, h: 10, gap: 5 }, // right collides with a: goes left? left collides too → below
        { id: 'c', x: 195, y: 50, w: 40, h: 10, gap: 5 }, // right out of bounds → left
        { id: 'd', x: 50, y: 50, w: 40, h: 10, gap: 5 },
        { id: 'e', x: 50, y: 50, w: 40, h: 10, gap: 5 },
        { id: 'f', x: 50, y: 50, w: 40, h: 10, gap: 5 },
      ],
      [{ x: 0, y: 0, w: 20, h: 20 }],
      bounds,
    );
    expect(placed.get('a')).toEqual({ x: 55, y: 45, w: 40, h: 10 });
    expect(placed.get('c')).toEqual({ x: 150, y: 45, w: 40, h: 10 });
    const rects = [...placed.values()];
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i]!, rects[j]!)).toBe(false);
    expect(placed.size).toBeLessThan(6);
    for (const r of rects) expect(overlaps(r, { x: 0, y: 0, w: 20, h: 20 })).toBe(false);
  });
});
