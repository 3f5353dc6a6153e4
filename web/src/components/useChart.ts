import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Chart } from '../echarts.ts';

// ECharts is about half of the wall's script: loaded on its own once the network map is on screen
// (MapView's performance mark), so that loading it and drawing the first charts do not hold up
// the map; at the latest after MAP_WAIT_MS, so that charts come even when the map does not.
const MAP_MARK = 'gridwatch:map-rendered';
const MAP_WAIT_MS = 4_000;

function mapOnScreen(): Promise<void> {
  return new Promise((resolve) => {
    if (performance.getEntriesByName(MAP_MARK).length) return resolve();
    const timer = setTimeout(done, MAP_WAIT_MS);
    const po = new PerformanceObserver((list) => {
      if (list.getEntriesByName(MAP_MARK).length) done();
    });
    po.observe({ type: 'mark' });
    function done() {
      clearTimeout(timer);
      po.disconnect();
      resolve();
    }
  });
}

let echartsModule: Promise<typeof import('../echarts.ts')> | null = null;
const loadEcharts = () => (echartsModule ??= mapOnScreen().then(() => import('../echarts.ts')));

/**
 * An ECharts instance on `el`, created once ECharts has loaded, resized with its box and
 * disposed on unmount. `ready` turns true when the chart exists (effects that set options
 * depend on it).
 */
export function useChart(el: RefObject<HTMLDivElement | null>): { chart: RefObject<Chart | null>; ready: boolean } {
  const chart = useRef<Chart | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const node = el.current!;
    let stop: (() => void) | null = null;
    let disposed = false;
    loadEcharts()
      .then(({ echarts }) => {
        if (disposed) return;
        const c = echarts.init(node, null, { renderer: 'canvas' });
        chart.current = c;
        const resize = () => c.resize();
        window.addEventListener('resize', resize);
        const ro = new ResizeObserver(resize);
        ro.observe(node);
        stop = () => {
          window.removeEventListener('resize', resize);
          ro.disconnect();
          c.dispose();
          chart.current = null;
        };
        setReady(true);
      })
      .catch((err: unknown) => console.warn('[wall] charts unavailable:', err));
    return () => {
      disposed = true;
      stop?.();
      setReady(false);
    };
  }, [el]);
  return { chart, ready };
}
