// The feeder device tree as the field physics needs it: which station areas hang below a device,
// which device interrupts a fault on a section, which fault current indicators see that fault.
// A "section" is named by the device at its upstream end: a fault "on section D" is below D and
// above D's child devices.
import type { Device, NetworkIndex } from '@gridwatch/shared';

export interface Topology {
  readonly net: NetworkIndex;
  /** Child devices of a device. */
  children(device: string): readonly string[];
  /** Station areas whose nearest device is this one. */
  transformersAt(device: string): readonly string[];
  /** Every station area below a device (through its child devices too). */
  below(device: string): readonly string[];
  /** The device and every device below it. */
  devicesBelow(device: string): readonly string[];
  /** Devices from this one (inclusive) up to its feeder head. */
  path(device: string): readonly string[];
  /** True when `device` is `ancestor` or below it. */
  isAtOrBelow(device: string, ancestor: string): boolean;
  /**
   * The device that clears a fault on the section below `section`: the nearest breaker, recloser
   * or fuse at or above it. A feeder head always has a substation breaker behind it, so when the
   * path has none the head device stands for it.
   */
  interrupter(section: string): string;
  /** Devices with a fault current indicator that carry fault current to a fault on `section`. */
  fcisFor(section: string): readonly string[];
  /** Customers below a device. */
  customersBelow(device: string): number;
}

export const INTERRUPTING: ReadonlySet<Device['kind']> = new Set(['breaker', 'recloser', 'fuse']);
/** Device kinds whose operations distribution automation reports (fuses have no telemetry). */
export const REPORTING: ReadonlySet<Device['kind']> = new Set(['breaker', 'recloser', 'switch']);

export function createTopology(net: NetworkIndex): Topology {
  const children = new Map<string, string[]>();
  const at = new Map<string, string[]>();
  for (const d of net.network.devices) {
    if (d.parent && net.device.has(d.parent)) {
      let list = children.get(d.parent);
      if (!list) children.set(d.parent, (list = []));
      list.push(d.id);
    }
  }
  for (const t of net.network.transformers) {
    let list = at.get(t.device);
    if (!list) at.set(t.device, (list = []));
    list.push(t.id);
  }

  const pathCache = new Map<string, string[]>();
  const path = (device: string): string[] => {
    const cached = pathCache.get(device);
    if (cached) return cached;
    const out: string[] = [];
    const seen = new Set<string>();
    // A malformed file could hold a parent cycle; stop at the first repeat.
    for (let d: string | null = device; d && !seen.has(d) && net.device.has(d); d = net.device.get(d)!.parent) {
      seen.add(d);
      out.push(d);
    }
    pathCache.set(device, out);
    return out;
  };

  const subtreeCache = new Map<string, { devices: string[]; transformers: string[] }>();
  const subtree = (device: string) => {
    const cached = subtreeCache.get(device);
    if (cached) return cached;
    const devices: string[] = [];
    const transformers: string[] = [];
    const stack = [device];
    const seen = new Set<string>();
    while (stack.length) {
      const d = stack.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      devices.push(d);
      for (const t of at.get(d) ?? []) transformers.push(t);
      for (const c of children.get(d) ?? []) stack.push(c);
    }
    const result = { devices, transformers };
    subtreeCache.set(device, result);
    return result;
  };
  const below = (device: string) => subtree(device).transformers;

  const empty: readonly string[] = [];
  return {
    net,
    children: (d) => children.get(d) ?? empty,
    transformersAt: (d) => at.get(d) ?? empty,
    below,
    devicesBelow: (d) => subtree(d).devices,
    path,
    isAtOrBelow: (d, ancestor) => path(d).includes(ancestor),
    interrupter(section) {
      const p = path(section);
      return p.find((d) => INTERRUPTING.has(net.device.get(d)!.kind)) ?? p[p.length - 1] ?? section;
    },
    fcisFor: (section) => path(section).filter((d) => net.device.get(d)!.fci),
    customersBelow: (d) => below(d).reduce((n, t) => n + (net.customersOf.get(t)?.length ?? 0), 0),
  };
}
