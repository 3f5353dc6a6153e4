import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Chart } from '../echarts.ts';

// ECharts is about half of the wall's script: loaded on its own, after the first render, so that
// it does not hold up the map.
let echartsModule: Promise<typeof import('../echarts.ts')> | null = null;
const loadEcharts = () => (echartsModule ??= import('../echarts.ts'));

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
