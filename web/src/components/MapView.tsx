import { memo, useEffect, useMemo, useRef, useState } from 'react';
import L from 'leaflet';
import type { MapNetwork, NetworkSummary, OutageDto, WallConfig } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale, pickName } from '../i18n.ts';
import { isActive, transformerStates } from '../state.ts';
import { COLORS, remPx } from '../dom.ts';

const RETRY_MS = 5_000;
/** Feeder labels only on networks small enough for them to stay readable. */
const MAX_FEEDER_LABELS = 60;

type NodeState = 'normal' | 'out' | 'recent';

function nodeStyle(state: NodeState, rem: number): L.CircleMarkerOptions {
  switch (state) {
    case 'out':
      return { radius: rem * 0.45, stroke: true, color: '#16181b', weight: Math.max(1, rem * 0.08), fillColor: COLORS.red, fillOpacity: 1 };
    case 'recent':
      return { radius: rem * 0.38, stroke: true, color: '#16181b', weight: Math.max(1, rem * 0.08), fillColor: COLORS.amber, fillOpacity: 1 };
    default:
      return { radius: rem * 0.28, stroke: false, fillColor: COLORS.node, fillOpacity: 0.85 };
  }
}

const ll = ([lon, lat]: [number, number]): L.LatLngTuple => [lat, lon];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Drawn {
  group: L.LayerGroup;
  bounds: L.LatLngBounds;
  nodes: Map<string, L.CircleMarker>;
  /** Current style key per node, so only changed nodes are restyled. */
  nodeKey: Map<string, string>;
  substations: { marker: L.Marker; name: string }[];
  feeders: L.Polyline[];
}

export interface MapViewProps {
  version: string | null;
  /** Server time, coarse (a few seconds) so that the map re-renders rarely. */
  nowServer: number;
  counts: NetworkSummary['counts'] | null;
  outages: ReadonlyMap<string, OutageDto>;
  t: Dict;
  lang: Lang;
}

export const MapView = memo(function MapView({ version, nowServer, counts, outages, t, lang }: MapViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const drawn = useRef<Drawn | null>(null);
  const ringLayer = useRef<L.LayerGroup | null>(null);
  const [net, setNet] = useState<MapNetwork | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [remTick, setRemTick] = useState(0);

  // The map itself: no interaction, canvas renderer, tiles only when configured.
  useEffect(() => {
    const container = el.current!;
    container.dataset.outTransformers = '';
    const map = L.map(container, {
      preferCanvas: true,
      renderer: L.canvas({ padding: 0.1 }),
      zoomControl: false,
      attributionControl: false,
      dragging: false,
      touchZoom: false,
      doubleClickZoom: false,
      scrollWheelZoom: false,
      boxZoom: false,
      keyboard: false,
      zoomSnap: 0,
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
      inertia: false,
    });
    map.setView([37.46, 121.45], 11);
    mapRef.current = map;
    ringLayer.current = L.layerGroup().addTo(map);

    let lastRem = remPx();
    const ro = new ResizeObserver(() => {
      map.invalidateSize({ animate: false });
      const d = drawn.current;
      if (d) fit(map, d.bounds);
      const rem = remPx();
      if (rem !== lastRem) {
        lastRem = rem;
        setRemTick((n) => n + 1);
      }
    });
    ro.observe(container);

    return () => {
      ro.disconnect();
      map.remove();
      mapRef.current = null;
      drawn.current = null;
      ringLayer.current = null;
    };
  }, []);

  // Tiles only when configured. Asked again on each new network version until an answer came
  // (the server may not have been up when the page loaded); a failed request means no tiles.
  const configDone = useRef(false);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !version || configDone.current) return;
    const ac = new AbortController();
    fetch('/api/config', { signal: ac.signal, cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<WallConfig>) : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((cfg) => {
        configDone.current = true;
        if (!cfg.tileUrl || mapRef.current !== map) return;
        L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution ?? undefined, maxZoom: 19, className: 'wall-tiles' }).addTo(map);
        if (cfg.tileAttribution) L.control.attribution({ prefix: false, position: 'bottomright' }).addTo(map);
      })
      .catch(() => {
        /* no config: no tiles; the network is drawn anyway */
      });
    return () => ac.abort();
  }, [version]);

  // Network geometry: fetched whenever the network version changes, retried until it loads.
  useEffect(() => {
    if (!version) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ac = new AbortController();
    const load = async () => {
      try {
        const res = await fetch('/api/network/map', { signal: ac.signal, cache: 'no-store' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const m = (await res.json()) as MapNetwork;
        if (cancelled) return;
        setNet(m);
        setLoadFailed(false);
      } catch {
        if (cancelled) return;
        setLoadFailed(true);
        timer = setTimeout(load, RETRY_MS);
      }
    };
    void load();
    return () => {
      cancelled = true;
      ac.abort();
      clearTimeout(timer);
    };
  }, [version]);

  // Draw the network (feeders, substations, station areas) once per geometry.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !net) return;
    const rem = remPx();
    const group = L.layerGroup();
    const bounds = L.latLngBounds([]);
    const feeders: L.Polyline[] = [];
    for (const f of net.feeders) {
      const paths = f.paths.map((p) => p.map(ll));
      for (const p of paths) for (const pt of p) bounds.extend(pt);
      const line = L.polyline(paths, { color: COLORS.line, weight: Math.max(1, rem * 0.12), opacity: 0.9, interactive: false, lineCap: 'round' });
      feeders.push(line);
      group.addLayer(line);
      // Feeder id just beyond the end of its trunk (the first path).
      const trunk = f.paths[0];
      const start = trunk?.[0];
      const end = trunk?.[trunk.length - 1];
      if (start && end && net.feeders.length <= MAX_FEEDER_LABELS) {
        const at: [number, number] = [end[0] + (end[0] - start[0]) * 0.07, end[1] + (end[1] - start[1]) * 0.07];
        bounds.extend(ll(at));
        const icon = L.divIcon({ className: 'feeder-label', html: `<span>${escapeHtml(f.id)}</span>`, iconSize: [0, 0] });
        group.addLayer(L.marker(ll(at), { icon, interactive: false, keyboard: false }));
      }
    }
    const nodes = new Map<string, L.CircleMarker>();
    const normal = nodeStyle('normal', rem);
    for (const [id, lon, lat] of net.transformers) {
      const m = L.circleMarker([lat, lon], { ...normal, interactive: false });
      nodes.set(id, m);
      bounds.extend([lat, lon]);
      group.addLayer(m);
    }
    const substations: Drawn['substations'] = [];
    for (const s of net.substations) {
      bounds.extend([s.lat, s.lon]);
      const marker = L.marker([s.lat, s.lon], { interactive: false, keyboard: false, icon: substationIcon(s.name, lang) });
      substations.push({ marker, name: s.name });
      group.addLayer(marker);
    }
    group.addTo(map);
    const d: Drawn = { group, bounds, nodes, nodeKey: new Map(), substations, feeders };
    drawn.current = d;
    fit(map, bounds);
    // Outage colours are applied by the effect below (it depends on `net` too).
    return () => {
      group.remove();
      if (drawn.current === d) drawn.current = null;
    };
    // `lang` only changes labels, handled by the next effect without a redraw.
  }, [net]);

  // Labels follow the language.
  useEffect(() => {
    for (const s of drawn.current?.substations ?? []) s.marker.setIcon(substationIcon(s.name, lang));
  }, [lang, net]);

  // Sizes follow the root font size (1080p → 4K).
  useEffect(() => {
    const d = drawn.current;
    if (!d || remTick === 0) return;
    const w = Math.max(1, remPx() * 0.12);
    for (const f of d.feeders) f.setStyle({ weight: w });
    d.nodeKey.clear();
  }, [remTick]);

  const states = useMemo(() => transformerStates(outages.values(), nowServer), [outages, nowServer]);

  // Outage colours: red = inside an active outage, amber = momentary / just restored.
  useEffect(() => {
    const d = drawn.current;
    const container = el.current;
    if (!container) return;
    const drawnOut: string[] = [];
    if (d) {
      const rem = remPx();
      const out = new Set(states.out);
      const recent = new Set(states.recent);
      const front: L.CircleMarker[] = [];
      for (const [id, m] of d.nodes) {
        const s: NodeState = out.has(id) ? 'out' : recent.has(id) ? 'recent' : 'normal';
        if (s === 'out') drawnOut.push(id);
        const key = `${s}@${rem}`;
        if (d.nodeKey.get(id) === key) continue;
        d.nodeKey.set(id, key);
        m.setStyle(nodeStyle(s, rem));
        if (s !== 'normal') front.push(m);
      }
      for (const m of front) m.bringToFront();

      const rings = ringLayer.current;
      if (rings) {
        rings.clearLayers();
        for (const o of outages.values()) {
          if (!isActive(o) || o.parentId || !Number.isFinite(o.lat) || !Number.isFinite(o.lon)) continue;
          rings.addLayer(
            L.circleMarker([o.lat, o.lon], {
              radius: rem * 0.95,
              stroke: true,
              color: COLORS.red,
              weight: Math.max(1, rem * 0.12),
              fill: false,
              interactive: false,
            }),
          );
        }
      }
    }
    drawnOut.sort();
    container.dataset.outTransformers = drawnOut.join(',');
  }, [states, outages, net, remTick]);

  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const overlay = !net ? (loadFailed ? t.map.unavailable : t.map.loading) : null;

  return (
    <div className="map-panel">
      {/* data-out-transformers is kept up to date by the colour effect above (not by React). */}
      <div className="map" ref={el} data-testid="map" />
      {overlay ? <div className={`map-overlay${loadFailed ? ' warn' : ''}`}>{overlay}</div> : null}
      <div className="map-legend">
        <span className="lg">
          <i className="dot normal" />
          {t.map.legendNormal}
        </span>
        <span className="lg">
          <i className="dot out" />
          {t.map.legendOut}
        </span>
        <span className="lg">
          <i className="dot recent" />
          {t.map.legendRecent}
        </span>
        <span className="lg">
          <i className="sq" />
          {t.map.legendSubstation}
        </span>
      </div>
      {counts ? (
        <div className="map-counts">
          {t.mapCounts(nf.format(counts.substations), nf.format(counts.feeders), nf.format(counts.transformers), nf.format(counts.customers))}
        </div>
      ) : null}
    </div>
  );
});

function substationIcon(name: string, lang: Lang): L.DivIcon {
  return L.divIcon({
    className: 'substation-icon',
    html: `<i></i><span>${escapeHtml(pickName(name, lang))}</span>`,
    iconSize: [0, 0],
  });
}

function fit(map: L.Map, bounds: L.LatLngBounds) {
  if (!bounds.isValid()) return;
  const pad = remPx() * 2;
  map.fitBounds(bounds, { padding: [pad, pad], animate: false });
}
