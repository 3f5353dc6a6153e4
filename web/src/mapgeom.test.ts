import { describe, expect, it } from 'vitest';
import {
  LARGE_NETWORK,
  MAX_DISC_COVER,
  binStations,
  cellCentre,
  cellsOf,
  discScale,
  gaugesToDraw,
  clusterRadius,
  commonSuffix,
  emptyBins,
  emptyCellMarks,
  areasToLoad,
  heatAlpha,
  heatColor,
  heatField,
  heatRadius,
  markCells,
  mercator,
  outageRadius,
  overlaps,
  placeLabels,
  rectHitsRing,
  resetCellMarks,
  shouldCluster,
  sizesFor,
  stationAreaCount,
  substationLabels,
} from './mapgeom.ts';

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

  it('shrinks the outage discs together only when they would crowd the map', () => {
    const rem = 16;
    const map = 800 * 600;
    // Sixty small outages (a storm on Greensboro): unchanged.
    expect(discScale(Array.from({ length: 60 }, (_, i) => 1 + (i % 15)), rem, map)).toBe(1);
    expect(discScale([], rem, map)).toBe(1);
    // 369 laterals of a large network, every disc at its largest: down to half the map.
    const storm = Array.from({ length: 369 }, () => 500);
    const k = discScale(storm, rem, map);
    expect(k).toBeLessThan(0.2);
    const cover = storm.reduce((a, c) => a + Math.PI * (outageRadius(c, rem) * k) ** 2, 0);
    expect(cover / map).toBeCloseTo(MAX_DISC_COVER, 9);
    // Scaled radii keep their order but never fall below the smallest disc.
    expect(outageRadius(500, rem, k)).toBeCloseTo(5 * rem * k);
    expect(outageRadius(1, rem, k)).toBe(rem * 0.6);
    expect(outageRadius(500, rem, 1)).toBe(outageRadius(500, rem));
    expect(heatRadius(500, 4, rem, 1)).toBe(heatRadius(500, 4, rem));
    expect(heatRadius(500, 4, rem, 0.5)).toBeCloseTo(outageRadius(500, rem, 0.5) + rem * 3.5 * 0.5);
  });

  it('keeps every risk gauge on a calm map, the most severe few on a crowded one', () => {
    const scored = Array.from({ length: 30 }, (_, i) => ({ id: `o${String(i).padStart(2, '0')}`, probability: (i % 10) / 10, critical: i === 29 }));
    expect(gaugesToDraw(scored, false).size).toBe(30);
    expect(gaugesToDraw(scored.slice(0, 5), true, 12).size).toBe(5);
    const kept = gaugesToDraw(scored, true, 4);
    // The critical alert first, then the highest probabilities (ties by id).
    expect([...kept]).toEqual(['o29', 'o09', 'o19', 'o08']);
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

  it('tells whether a rectangle touches a ring, and places labels clear of what is blocked', () => {
    // Ring around (0, 0) between radii 9 and 11.
    expect(rectHitsRing({ x: 9.5, y: -1, w: 2, h: 2 }, 0, 0, 9, 11)).toBe(true); // on the stroke
    expect(rectHitsRing({ x: -2, y: -2, w: 4, h: 4 }, 0, 0, 9, 11)).toBe(false); // inside the hole
    expect(rectHitsRing({ x: 12, y: 0, w: 3, h: 3 }, 0, 0, 9, 11)).toBe(false); // outside
    expect(rectHitsRing({ x: -20, y: -1, w: 40, h: 2 }, 0, 0, 9, 11)).toBe(true); // across
    expect(rectHitsRing({ x: 7, y: 7, w: 3, h: 3 }, 0, 0, 9, 11)).toBe(true); // diagonal, on it
    const request = [{ id: 'a', x: 50, y: 50, w: 10, h: 4, gap: 2 }];
    const bounds = { x: 0, y: 0, w: 200, h: 200 };
    expect(placeLabels(request, [], bounds).get('a')).toEqual({ x: 52, y: 48, w: 10, h: 4 });
    // The right is blocked: left.
    expect(placeLabels(request, [], bounds, (r) => r.x > 50).get('a')).toEqual({ x: 38, y: 48, w: 10, h: 4 });
    expect(placeLabels(request, [], bounds, () => true).size).toBe(0);
  });

  // A 100 × 100 px view at scale 1000 (container x = mx · 1000 − 0): cells of 10 px.
  const view = { width: 100, height: 100, scale: 1000, ox: 0, oy: 0 };
  const pts = (xy: [number, number][]) => ({ tx: Float64Array.from(xy, (p) => p[0] / 1000), ty: Float64Array.from(xy, (p) => p[1] / 1000) });

  it('bins station areas into screen cells with their customers', () => {
    const { tx, ty } = pts([
      [1, 1],
      [9, 9],
      [5, 5],
      [15, 5],
      [99, 99],
      [150, 5], // outside the view
      [-1, 5], // outside, left
    ]);
    const customers = Float64Array.from([10, 20, 30, 4, 7, 100, 100]);
    const b = binStations(tx, ty, customers, 7, view, 10);
    expect([b.cols, b.rows, b.x0, b.y0]).toEqual([10, 10, 0, 0]);
    expect([...b.cellOf]).toEqual([0, 0, 0, 1, 99, -1, -1]);
    expect(b.areas[0]).toBe(3);
    expect(b.customers[0]).toBe(60);
    expect(b.customers[1]).toBe(4);
    expect(b.customers[99]).toBe(7);
    expect([...b.nonEmpty.subarray(0, b.used)]).toEqual([0, 1, 99]);
    expect(b.inView).toBe(5);
    expect(cellCentre(b, 0)).toEqual([5, 5]);
    expect(cellCentre(b, 99)).toEqual([95, 95]);
    expect(cellCentre(b, 1)).toEqual([15, 5]);
  });

  it('aligns the grid to world pixels, so a moved view keeps the cells', () => {
    const { tx, ty } = pts([
      [21, 21],
      [29, 29],
    ]);
    const b = binStations(tx, ty, [1, 1], 2, { ...view, ox: 15, oy: 15 }, 10);
    // Cell 0 starts at world px 10, i.e. container px −5.
    expect([b.x0, b.y0]).toEqual([-5, -5]);
    expect(b.cellOf[0]).toBe(b.cellOf[1]);
    const [x, y] = cellCentre(b, b.cellOf[0]!);
    expect([x + 15, y + 15]).toEqual([25, 25]);
  });

  it('reuses its arrays between calls and clears what it counted before', () => {
    const a = pts([
      [1, 1],
      [2, 2],
      [50, 50],
    ]);
    const b = binStations(a.tx, a.ty, [1, 2, 3], 3, view, 10, emptyBins());
    const arrays = [b.cellOf, b.areas, b.customers, b.nonEmpty];
    const again = binStations(a.tx, a.ty, [5, 5, 5], 2, view, 10, b);
    expect(again).toBe(b);
    expect([b.cellOf, b.areas, b.customers, b.nonEmpty]).toEqual(arrays);
    expect(b.cellOf).toBe(arrays[0]);
    expect(b.areas).toBe(arrays[1]);
    expect(b.customers[0]).toBe(10);
    expect(b.customers[55]).toBe(0);
    expect(b.used).toBe(1);
  });

  it('clusters only where dots pile up', () => {
    // 400 station areas on a 20 × 20 px patch: 4 cells of 100.
    const dense: [number, number][] = [];
    for (let i = 0; i < 400; i++) dense.push([(i % 20) + 0.5, Math.floor(i / 20) + 0.5]);
    const d = pts(dense);
    expect(shouldCluster(binStations(d.tx, d.ty, new Float64Array(400).fill(3), 400, view, 10))).toBe(true);
    // One per cell (a small network, or zoomed in): dots.
    const sparse: [number, number][] = [];
    for (let i = 0; i < 100; i++) sparse.push([(i % 10) * 10 + 5, Math.floor(i / 10) * 10 + 5]);
    const s = pts(sparse);
    expect(shouldCluster(binStations(s.tx, s.ty, new Float64Array(100).fill(3), 100, view, 10))).toBe(false);
    expect(shouldCluster(binStations(s.tx, s.ty, [], 0, view, 10))).toBe(false);
  });

  it('sizes cluster discs by area with customers, against the 90th percentile, never touching', () => {
    const xy: [number, number][] = [];
    const customers: number[] = [];
    // Cells 0..9 with 10, 20, …, 100 customers, cell 10 with an industrial 10,000.
    for (let k = 0; k < 11; k++) {
      xy.push([(k % 10) * 10 + 5, Math.floor(k / 10) * 10 + 5]);
      customers.push(k < 10 ? (k + 1) * 10 : 10_000);
    }
    const { tx, ty } = pts(xy);
    const b = binStations(tx, ty, customers, xy.length, view, 10);
    expect(b.ref).toBe(100);
    expect(clusterRadius(b, 100)).toBeCloseTo(4.5);
    expect(clusterRadius(b, 10_000)).toBeCloseTo(4.5);
    // Area ∝ customers: a quarter of the customers, half the radius.
    expect(clusterRadius(b, 25)).toBeCloseTo(2.25);
    expect(clusterRadius(b, 0)).toBeCloseTo(1.2);
    expect(clusterRadius(b, 1)).toBeGreaterThanOrEqual(1.2);
  });

  it('marks the cells of abnormal station areas, the most severe winning, and clears only those', () => {
    const { tx, ty } = pts([
      [1, 1],
      [2, 2],
      [15, 5],
      [95, 95],
      [150, 150],
    ]);
    const customers = [10, 20, 30, 40, 50];
    const b = binStations(tx, ty, customers, 5, view, 10);
    const m = emptyCellMarks();
    resetCellMarks(m, b);
    markCells(m, b, [3], 1, customers);
    markCells(m, b, [2], 2, customers);
    markCells(m, b, [0, 1, 4], 3, customers);
    markCells(m, b, [1], 1, customers);
    expect(m.level[0]).toBe(3);
    expect(m.out[0]).toBe(30);
    expect(m.level[1]).toBe(2);
    expect(m.out[1]).toBe(0);
    expect(m.level[99]).toBe(1);
    expect([...m.touched.subarray(0, m.n)].sort((a, z) => a - z)).toEqual([0, 1, 99]);
    const level = m.level;
    resetCellMarks(m, b);
    expect(m.level).toBe(level);
    expect(m.n).toBe(0);
    expect([...m.level].every((l) => l === 0)).toBe(true);
    expect([...m.out].every((c) => c === 0)).toBe(true);
    // Many cells: the list of touched cells grows.
    const all: [number, number][] = [];
    for (let k = 0; k < 100; k++) all.push([(k % 10) * 10 + 5, Math.floor(k / 10) * 10 + 5]);
    const a = pts(all);
    const b2 = binStations(a.tx, a.ty, new Float64Array(100).fill(1), 100, view, 10);
    resetCellMarks(m, b2);
    markCells(m, b2, Array.from({ length: 100 }, (_, i) => i), 3, new Float64Array(100).fill(1));
    expect(m.n).toBe(100);
  });

  it('bins the cells of an aggregated map as the station areas they stand for', () => {
    // 600 station areas scattered over a 60 × 60 px patch (moved view: cells start off the origin),
    // and the same summed in 2 px cells of a finer grid, each at its members' mean position.
    const moved = { ...view, ox: 13, oy: 27 };
    const areas: [number, number][] = [];
    const cust: number[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 600; i++) {
      areas.push([20 + rnd() * 60, 30 + rnd() * 60]);
      cust.push(1 + Math.floor(rnd() * 40));
    }
    const fine = new Map<string, { x: number; y: number; n: number; c: number }>();
    areas.forEach(([x, y], i) => {
      const key = `${Math.floor(x / 2)},${Math.floor(y / 2)}`;
      const f = fine.get(key) ?? fine.set(key, { x: 0, y: 0, n: 0, c: 0 }).get(key)!;
      f.x += x;
      f.y += y;
      f.n++;
      f.c += cust[i]!;
    });
    const cells = [...fine.values()];
    const a = pts(areas);
    const p = pts(cells.map((f) => [f.x / f.n, f.y / f.n]));
    const byArea = binStations(a.tx, a.ty, cust, areas.length, moved, 10);
    const byCell = binStations(p.tx, p.ty, cells.map((f) => f.c), cells.length, moved, 10, emptyBins(), cells.map((f) => f.n));
    expect(byCell.inView).toBe(byArea.inView);
    expect(byCell.used).toBe(byArea.used);
    expect([...byCell.nonEmpty.subarray(0, byCell.used)]).toEqual([...byArea.nonEmpty.subarray(0, byArea.used)]);
    const cellCount = byCell.cols * byCell.rows;
    expect([...byCell.areas.subarray(0, cellCount)]).toEqual([...byArea.areas.subarray(0, cellCount)]);
    expect([...byCell.customers.subarray(0, cellCount)]).toEqual([...byArea.customers.subarray(0, cellCount)]);
    expect(byCell.ref).toBe(byArea.ref);
    expect(shouldCluster(byCell)).toBe(shouldCluster(byArea));
    // Counted as points, the same cells would hold far fewer station areas.
    const asPoints = binStations(p.tx, p.ty, cells.map((f) => f.c), cells.length, moved, 10);
    expect(asPoints.inView).toBeLessThan(byArea.inView);

    // The station areas' own cells in the cells' bins: where binning would have put them, so
    // outages mark the same cells.
    expect([...cellsOf(byCell, moved.scale, a.tx, a.ty, areas.length)]).toEqual([...byArea.cellOf.subarray(0, areas.length)]);
    const m = emptyCellMarks();
    resetCellMarks(m, byCell);
    const own = cellsOf(byCell, moved.scale, a.tx, a.ty, areas.length);
    markCells(m, byCell, [0, 1, 2], 3, cust, own);
    const expected = new Map<number, number>();
    for (const i of [0, 1, 2]) expected.set(byArea.cellOf[i]!, (expected.get(byArea.cellOf[i]!) ?? 0) + cust[i]!);
    for (const [k, out] of expected) {
      expect(m.level[k]).toBe(3);
      expect(m.out[k]).toBe(out);
    }
    // Reused when large enough; −1 outside the view.
    const into = new Int32Array(1000);
    expect(cellsOf(byCell, moved.scale, Float64Array.of(5), Float64Array.of(5), 1, into)).toBe(into);
    expect(into[0]).toBe(-1);
  });

  it('counts the station areas of a map, listed or in cells', () => {
    expect(stationAreaCount({ transformers: [['a', 0, 0, 1], ['b', 0, 0, 2]] })).toBe(2);
    expect(stationAreaCount({ transformers: [], cells: [[0, 0, 3, 50], [1, 1, 1_000, 9]] })).toBe(1_003);
  });

  it('asks for the station areas of outages it does not have, once, in batches of bounded length', () => {
    const outages = [{ transformers: ['T3', 'T1'] }, { transformers: ['T3', 'T2', 'T9'] }, { transformers: [] }, { transformers: ['a b'] }];
    const have = new Set(['T9']);
    expect(areasToLoad(outages, (id) => have.has(id), 1_000, 1_000)).toEqual([['T3', 'T1', 'T2', 'a b']]);
    // 'T3,' 'T1,' … cost 3 characters each, 'a%20b,' 6.
    expect(areasToLoad(outages, (id) => have.has(id), 6, 1_000)).toEqual([['T3', 'T1'], ['T2'], ['a b']]);
    expect(areasToLoad(outages, (id) => have.has(id), 1_000, 2)).toEqual([['T3', 'T1'], ['T2', 'a b']]);
    expect(areasToLoad(outages, () => true, 1_000, 1_000)).toEqual([]);
    // One id longer than a batch still goes, alone.
    expect(areasToLoad([{ transformers: ['long-id'] }], () => false, 3, 10)).toEqual([['long-id']]);
  });

  it('shows complaint risk as heat: wider with expected complaints, amber to red with probability', () => {
    const rem = 16;
    expect(heatRadius(100, 0, rem)).toBeCloseTo(outageRadius(100, rem) + rem * 1.5);
    expect(heatRadius(100, 4, rem)).toBeGreaterThan(heatRadius(100, 1, rem));
    expect(heatRadius(100, 1e6, rem)).toBeCloseTo(outageRadius(100, rem) + rem * 5);
    expect(heatRadius(10, Number.NaN, rem)).toBe(heatRadius(10, 0, rem));
    expect(heatColor(0.1)).toEqual([232, 163, 61]);
    expect(heatColor(0.95)).toEqual([229, 72, 77]);
    expect(heatColor(0.55)).toEqual([231, 118, 69]);
    expect(heatAlpha(1)).toBeLessThan(1);
    expect(heatAlpha(0.9)).toBeGreaterThan(heatAlpha(0.3));
  });

  it('samples the heat field as the strongest glow, fading to nothing at the radius', () => {
    const cols = 20;
    const rows = 10;
    const out = new Uint8ClampedArray(cols * rows * 4).fill(7);
    const at = (c: number, r: number) => Array.from(out.subarray((r * cols + c) * 4, (r * cols + c) * 4 + 4));
    // Samples every 10 px; a glow centred on sample (5, 5) of radius 40 px, one more likely on (8, 5).
    heatField(
      [
        { x: 55, y: 55, r: 40, p: 0.2 },
        { x: 85, y: 55, r: 40, p: 0.9 },
      ],
      cols,
      rows,
      10,
      out,
    );
    expect(at(5, 5)).toEqual([...heatColor(0.2), Math.round(heatAlpha(0.2) * 255)]);
    expect(at(8, 5)).toEqual([...heatColor(0.9), Math.round(heatAlpha(0.9) * 255)]);
    // Between them, the stronger wins (no sum): never above the strongest peak.
    let max = 0;
    for (let k = 3; k < out.length; k += 4) max = Math.max(max, out[k]!);
    expect(max).toBe(Math.round(heatAlpha(0.9) * 255));
    // Fades with the distance; cleared where no glow reaches.
    expect(at(3, 5)[3]!).toBeLessThan(at(4, 5)[3]!);
    expect(at(0, 0)).toEqual([0, 0, 0, 0]);
    expect(at(19, 9)).toEqual([0, 0, 0, 0]);
    // Nothing outside the field or of zero radius.
    heatField([{ x: -500, y: -500, r: 40, p: 1 }, { x: 50, y: 50, r: 0, p: 1 }], cols, rows, 10, out);
    expect(out.every((b) => b === 0)).toBe(true);
  });
});
