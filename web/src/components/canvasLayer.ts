// A Leaflet layer that is one <canvas> covering the map, redrawn as a whole by a draw function
// whenever the view changes (the wall never pans or zooms by itself, only refits on resize).
// Drawing tens of thousands of station areas as individual Leaflet vector layers costs seconds;
// one canvas pass costs milliseconds.
import L from 'leaflet';

export interface CanvasView {
  /** CSS pixels of the map. */
  width: number;
  height: number;
  /** Pixels per world (256 · 2^zoom): container x = mx · scale − ox for normalised Mercator mx. */
  scale: number;
  ox: number;
  oy: number;
}

export type DrawFn = (ctx: CanvasRenderingContext2D, view: CanvasView) => void;

export class CanvasLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;
  private host: L.Map | null = null;
  private frame = 0;

  /**
   * `isEmpty`: true when there is nothing to draw. The canvas is then hidden and neither sized,
   * cleared nor composited: a quiet wall's outage layers cost the first frame nothing.
   */
  constructor(
    private readonly draw: DrawFn,
    private readonly paneName: string,
    private readonly isEmpty: () => boolean = () => false,
  ) {
    super();
  }

  override onAdd(map: L.Map): this {
    this.host = map;
    const canvas = L.DomUtil.create('canvas', 'gw-canvas');
    canvas.style.position = 'absolute';
    canvas.style.pointerEvents = 'none';
    // No backing store until there is something to draw.
    canvas.width = 0;
    canvas.height = 0;
    canvas.style.display = 'none';
    map.getPane(this.paneName)!.appendChild(canvas);
    this.canvas = canvas;
    map.on('moveend zoomend resize viewreset', this.schedule, this);
    this.redraw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('moveend zoomend resize viewreset', this.schedule, this);
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.canvas?.remove();
    this.canvas = null;
    this.host = null;
    return this;
  }

  /** Redraw at the next frame (several view events in a row draw once). */
  schedule(): void {
    if (this.frame || !this.host) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redraw();
    });
  }

  /** Redraw now. */
  redraw(): void {
    const map = this.host;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    if (this.isEmpty()) {
      canvas.style.display = 'none';
      return;
    }
    canvas.style.display = '';
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    const topLeft = map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(canvas, topLeft);
    const w = Math.max(1, Math.round(size.x * dpr));
    const h = Math.max(1, Math.round(size.y * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const origin = map.getPixelOrigin();
    this.draw(ctx, { width: size.x, height: size.y, scale: 256 * 2 ** map.getZoom(), ox: origin.x + topLeft.x, oy: origin.y + topLeft.y });
  }
}

/** A rectangle in a canvas's own (device) pixels. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * A scratch canvas the size of `ctx`'s canvas times `k` (≤ 1: fewer pixels for soft shapes),
 * with `ctx`'s transform times `k`, cleared (only `area`, in its own pixels, when given: then
 * only that area may be drawn on and read).
 */
export function scratch(ctx: CanvasRenderingContext2D, cache: { canvas?: HTMLCanvasElement }, area?: PixelRect, k = 1): CanvasRenderingContext2D {
  const c = (cache.canvas ??= document.createElement('canvas'));
  const w = Math.ceil(ctx.canvas.width * k);
  const h = Math.ceil(ctx.canvas.height * k);
  if (c.width !== w) c.width = w;
  if (c.height !== h) c.height = h;
  const s = c.getContext('2d')!;
  s.setTransform(1, 0, 0, 1, 0, 0);
  s.globalCompositeOperation = 'source-over';
  s.globalAlpha = 1;
  if (area) s.clearRect(area.x, area.y, area.w, area.h);
  else s.clearRect(0, 0, c.width, c.height);
  const t = ctx.getTransform();
  s.setTransform(t.a * k, t.b * k, t.c * k, t.d * k, t.e * k, t.f * k);
  return s;
}

/**
 * The pixels of a canvas `k` times the size of `ctx`'s that cover the CSS-pixel box
 * [x0, x1] × [y0, y1] (null when they do not meet).
 */
export function pixelArea(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, k = 1): PixelRect | null {
  const t = ctx.getTransform();
  const x = Math.max(0, Math.floor((x0 * t.a + t.e) * k));
  const y = Math.max(0, Math.floor((y0 * t.d + t.f) * k));
  const w = Math.min(Math.ceil(ctx.canvas.width * k), Math.ceil((x1 * t.a + t.e) * k)) - x;
  const h = Math.min(Math.ceil(ctx.canvas.height * k), Math.ceil((y1 * t.d + t.f) * k)) - y;
  return w > 0 && h > 0 ? { x, y, w, h } : null;
}

/**
 * Copies `area` (its pixels) of `src`, a canvas `k` times the size of `dst`'s, onto `dst` at the
 * same place (scaled up by 1 / k, smoothly), at `alpha`.
 */
export function blit(dst: CanvasRenderingContext2D, src: HTMLCanvasElement, area: PixelRect, alpha = 1, k = 1): void {
  dst.save();
  dst.setTransform(1, 0, 0, 1, 0, 0);
  dst.globalAlpha = alpha;
  dst.imageSmoothingEnabled = true;
  dst.drawImage(src, area.x, area.y, area.w, area.h, area.x / k, area.y / k, area.w / k, area.h / k);
  dst.restore();
}
