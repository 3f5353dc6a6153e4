// How many rows of `rowRem` height fit in a body element, kept up to date as it resizes: the
// wall's lists show what fits and never scroll.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { remPx } from '../dom.ts';

export function useRowCapacity(rowRem: number, initial: number): [RefObject<HTMLDivElement | null>, number] {
  const body = useRef<HTMLDivElement>(null);
  const [capacity, setCapacity] = useState(initial);
  useEffect(() => {
    const el = body.current!;
    const measure = () => setCapacity(Math.max(1, Math.floor(el.clientHeight / (remPx() * rowRem))));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [rowRem]);
  return [body, capacity];
}
