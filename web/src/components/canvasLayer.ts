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

  constructor(
    private readonly draw: DrawFn,
    private readonly paneName: string,
  ) {
    super();
  }

  override onAdd(map: L.Map): this {
    this.host = map;
    const canvas = L.DomUtil.create('canvas', 'gw-canvas');
    canvas.style.position = 'absolute';
    canvas.style.pointerEvents = 'none';
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

/** A scratch canvas the size of `ctx`'s canvas, with the same transform, cleared. */
export function scratch(ctx: CanvasRenderingContext2D, cache: { canvas?: HTMLCanvasElement }): CanvasRenderingContext2D {
  const c = (cache.canvas ??= document.createElement('canvas'));
  if (c.width !== ctx.canvas.width) c.width = ctx.canvas.width;
  if (c.height !== ctx.canvas.height) c.height = ctx.canvas.height;
  const s = c.getContext('2d')!;
  s.setTransform(1, 0, 0, 1, 0, 0);
  s.globalCompositeOperation = 'source-over';
  s.globalAlpha = 1;
  s.clearRect(0, 0, c.width, c.height);
  s.setTransform(ctx.getTransform());
  return s;
}
