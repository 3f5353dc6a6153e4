// The network model (GRIDWATCH.md glossary): substation → feeder → switching/protective devices
// → station areas (service transformers, one concentrator each) → meters → customers; station
// areas are grouped into service grids owned by grid teams. A network travels as one JSON file
// (`gridwatch-network/1`), imported idempotently into the database by the server.
import { Type, type Static } from '@sinclair/typebox';
import { Id } from './schemas.ts';

const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Coord = Type.Tuple([Lon, Lat]);

export const DEVICE_KINDS = ['breaker', 'recloser', 'switch', 'fuse'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const CUSTOMER_TYPES = ['residential', 'commercial', 'industrial', 'critical'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const ZONES = ['urban', 'rural', 'remote'] as const;
export type Zone = (typeof ZONES)[number];

export const Substation = Type.Object({ id: Id, name: Type.String(), lon: Lon, lat: Lat });
export const Feeder = Type.Object({
  id: Id,
  substation: Id,
  name: Type.String(),
  /** Line geometry for drawing: a list of polylines. */
  paths: Type.Array(Type.Array(Coord)),
});
export const Device = Type.Object({
  id: Id,
  feeder: Id,
  kind: Type.Union(DEVICE_KINDS.map((k) => Type.Literal(k))),
  /** Upstream device, null for the feeder head breaker. */
  parent: Type.Union([Id, Type.Null()]),
  fci: Type.Boolean(),
  lon: Lon,
  lat: Lat,
});
export const Team = Type.Object({ id: Id, name: Type.String() });
export const Grid = Type.Object({ id: Id, name: Type.String(), team: Id });
export const Transformer = Type.Object({
  id: Id,
  name: Type.String(),
  feeder: Id,
  /** Nearest upstream switching/protective device. */
  device: Id,
  grid: Id,
  concentrator: Id,
  zone: Type.Union(ZONES.map((z) => Type.Literal(z))),
  kva: Type.Number({ minimum: 0 }),
  lon: Lon,
  lat: Lat,
});
export const Customer = Type.Object({
  id: Id,
  meter: Id,
  transformer: Id,
  type: Type.Union(CUSTOMER_TYPES.map((t) => Type.Literal(t))),
  sensitive: Type.Boolean(),
  channel: Type.String({ maxLength: 16 }),
  lon: Lon,
  lat: Lat,
});

export const NetworkFile = Type.Object({
  format: Type.Literal('gridwatch-network/1'),
  id: Id,
  name: Type.String(),
  attribution: Type.Optional(Type.String()),
  centre: Coord,
  substations: Type.Array(Substation),
  feeders: Type.Array(Feeder),
  devices: Type.Array(Device),
  teams: Type.Array(Team),
  grids: Type.Array(Grid),
  transformers: Type.Array(Transformer),
  customers: Type.Array(Customer),
});

export type Substation = Static<typeof Substation>;
export type Feeder = Static<typeof Feeder>;
export type Device = Static<typeof Device>;
export type Team = Static<typeof Team>;
export type Grid = Static<typeof Grid>;
export type Transformer = Static<typeof Transformer>;
export type Customer = Static<typeof Customer>;
export type NetworkFile = Static<typeof NetworkFile>;

/** Fast look-ups over a network; built once at start. */
export interface NetworkIndex {
  readonly network: NetworkFile;
  transformer: ReadonlyMap<string, Transformer>;
  /** concentrator id → transformer id */
  concentrator: ReadonlyMap<string, string>;
  /** meter id → customer */
  meter: ReadonlyMap<string, Customer>;
  customer: ReadonlyMap<string, Customer>;
  device: ReadonlyMap<string, Device>;
  /** transformer id → its customers */
  customersOf: ReadonlyMap<string, readonly Customer[]>;
  /** Device ids from the transformer's nearest device up to the feeder head. */
  upstream(transformerId: string): readonly string[];
}

export function indexNetwork(network: NetworkFile): NetworkIndex {
  // Plain loops: `new Map(list.map(...))` would first build a pair array per entry, a million of
  // them (tens of MB to collect) for the meters alone.
  const transformer = new Map<string, Transformer>();
  const concentrator = new Map<string, string>();
  for (const t of network.transformers) {
    transformer.set(t.id, t);
    concentrator.set(t.concentrator, t.id);
  }
  const meter = new Map<string, Customer>();
  const customer = new Map<string, Customer>();
  const customersOf = new Map<string, Customer[]>();
  for (const c of network.customers) {
    meter.set(c.meter, c);
    customer.set(c.id, c);
    let list = customersOf.get(c.transformer);
    if (!list) customersOf.set(c.transformer, (list = []));
    list.push(c);
  }
  const device = new Map<string, Device>();
  for (const d of network.devices) device.set(d.id, d);
  const upstreamCache = new Map<string, string[]>();
  return {
    network,
    transformer,
    concentrator,
    meter,
    customer,
    device,
    customersOf,
    upstream(transformerId) {
      const cached = upstreamCache.get(transformerId);
      if (cached) return cached;
      const path: string[] = [];
      let at = transformer.get(transformerId)?.device ?? null;
      const seen = new Set<string>();
      while (at && !seen.has(at)) {
        seen.add(at);
        path.push(at);
        at = device.get(at)?.parent ?? null;
      }
      upstreamCache.set(transformerId, path);
      return path;
    },
  };
}
