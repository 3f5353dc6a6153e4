// `pnpm sim import-opendss` and `pnpm sim generate`: network files from OpenDSS models or from a
// meter count. Own argument parsing, so the run command's options stay untouched in cli.ts.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { generateNetwork, type NetworkFile } from '@gridwatch/shared';
import { importOpenDss, type ImportReport } from './opendss.ts';

export const NETWORK_COMMANDS = ['import-opendss', 'generate'] as const;

export const NETWORK_HELP = `  pnpm sim import-opendss <folder> [--out <file.json[.gz]>] [--origin lon,lat] [--name <name>]
                          [--id <id>] [--attribution <text>] [--source <bus>] [--seed <n>]
                          [--coord-units ft|m]
                                  convert an OpenDSS feeder, substation or folder of substations
                                  (SMART-DS layout, IEEE 8500) into a network file; without --out,
                                  only report what it found and what it could not place
  pnpm sim generate --meters <N> [--seed <n>] [--centre lon,lat] [--id <id>] [--name <name>]
                    --out <file.json[.gz]>
                                  synthetic network of N meters (1,000 – 1,000,000+)
`;

class UsageError extends Error {}

// pnpm runs the script inside simulator/; paths the user typed are relative to where they typed.
const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

function lonLat(name: string, text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => Number(s.trim()));
  const [lon, lat] = parts as [number, number];
  if (parts.length !== 2 || !(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) throw new UsageError(`bad --${name} "${text}" (lon,lat e.g. 121.447,37.464)`);
  return [lon, lat];
}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new UsageError(`bad --${name} "${text}"`);
  return n;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Writes a network as compact JSON (optionally gzip) element by element: a million-meter network
 * is ~200 MB of JSON, which should never sit in memory as one string. Same bytes as JSON.stringify.
 */
export async function writeNetworkFile(file: string, network: NetworkFile, gzipLevel = 9): Promise<number> {
  const out = createWriteStream(file);
  const gz = file.endsWith('.gz') ? createGzip({ level: gzipLevel }) : null;
  const sink = gz ?? out;
  if (gz) gz.pipe(out);
  let chunk = '';
  const push = async (text: string) => {
    chunk += text;
    if (chunk.length >= 1 << 20) {
      const ok = sink.write(chunk);
      chunk = '';
      if (!ok) await once(sink, 'drain');
    }
  };
  let first = true;
  for (const [key, value] of Object.entries(network)) {
    if (value === undefined) continue;
    await push(`${first ? '{' : ','}${JSON.stringify(key)}:`);
    first = false;
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && !Array.isArray(value[0])) {
      for (let i = 0; i < value.length; i++) await push((i ? ',' : '[') + JSON.stringify(value[i]));
      await push(']');
    } else {
      await push(JSON.stringify(value));
    }
  }
  await push('}');
  sink.end(chunk);
  await once(out, 'finish');
  return out.bytesWritten;
}

function printReport(r: ImportReport, seconds: number) {
  const c = r.counts;
  const d = c.devices;
  const w = (s: string) => process.stdout.write(`${s}\n`);
  const few = (items: string[], n = 5) => items.slice(0, n).join(', ') + (items.length > n ? `, … (${items.length - n} more)` : '');
  w(`layout ${r.layout}, ${r.files} files, ${seconds.toFixed(1)} s`);
  w(`substations   ${c.substations}`);
  w(`feeders       ${c.feeders}`);
  w(`devices       ${d.breaker + d.recloser + d.switch + d.fuse} (breaker ${d.breaker}, recloser ${d.recloser}, switch ${d.switch}, fuse ${d.fuse})`);
  w(`transformers  ${c.transformers} (${c.transformers - r.dedicated} service of ${r.model.serviceTransformers} in the model, ${r.dedicated} dedicated for MV customers)`);
  w(`meters        ${c.customers} of ${r.model.loads} loads in the model`);
  w(`grids/teams   ${c.grids}`);
  w(`lines         ${r.model.lines} (${r.model.disabledLines} disabled/open skipped)`);
  if (r.gapsBridged.length) w(`gaps bridged  ${r.gapsBridged.length} dangling section ends joined by name: ${few(r.gapsBridged, 3)}`);
  w(r.unplacedLoads.length ? `NOT PLACED    ${r.unplacedLoads.length} loads: ${few(r.unplacedLoads)}` : 'placed        every load');
  if (r.loadsOffSource) w(`off source    ${r.loadsOffSource} loads not reached from the source (matched through LV lines)`);
  if (r.transformersOffSource.length) w(`off source    ${r.transformersOffSource.length} transformers, attached to their feeder head: ${few(r.transformersOffSource)}`);
  if (r.transformersPositionedUpstream.length) w(`no coords     ${r.transformersPositionedUpstream.length} transformers placed at the nearest upstream bus: ${few(r.transformersPositionedUpstream)}`);
  if (r.transformersWithoutPosition.length) w(`no position   ${r.transformersWithoutPosition.length} transformers without any coordinates: ${few(r.transformersWithoutPosition)}`);
  if (r.loadsWithoutCoords) w(`no coords     ${r.loadsWithoutCoords} loads placed at their transformer`);
  if (r.transformersWithoutLoads) w(`empty         ${r.transformersWithoutLoads} transformers without loads`);
  for (const warning of r.warnings) w(`warning       ${warning}`);
}

async function importCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string' },
      origin: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      attribution: { type: 'string' },
      source: { type: 'string' },
      seed: { type: 'string' },
      'coord-units': { type: 'string' },
    },
  });
  if (v.help) return help();
  if (positionals.length !== 1) throw new UsageError('import-opendss needs one folder');
  const units = v['coord-units'];
  if (units !== undefined && units !== 'ft' && units !== 'm') throw new UsageError(`bad --coord-units "${units}" (ft or m)`);
  const folder = userPath(positionals[0]!);
  const t0 = performance.now();
  const { network, report } = importOpenDss(folder, {
    id: v.id,
    name: v.name,
    attribution: v.attribution,
    origin: lonLat('origin', v.origin),
    source: v.source,
    seed: integer('seed', v.seed, 0),
    coordUnits: units,
  });
  process.stdout.write(`[sim] import-opendss ${folder}\n`);
  printReport(report, (performance.now() - t0) / 1000);
  if (v.out) {
    const file = userPath(v.out);
    const bytes = await writeNetworkFile(file, network);
    process.stdout.write(`wrote         ${file} (${mb(bytes)})\n`);
  }
  return 0;
}

async function generateCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      meters: { type: 'string' },
      seed: { type: 'string' },
      centre: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
    },
  });
  void positionals;
  if (v.help) return help();
  const meters = integer('meters', v.meters, 1);
  if (meters === undefined) throw new UsageError('generate needs --meters <N>');
  if (!v.out) throw new UsageError('generate needs --out <file.json[.gz]>');
  const t0 = performance.now();
  const network = generateNetwork({ meters, seed: integer('seed', v.seed, 0) ?? 1, centre: lonLat('centre', v.centre), id: v.id, name: v.name });
  const tGen = performance.now();
  const mem = process.memoryUsage();
  const file = userPath(v.out);
  // Level 6: a million meters compress in a few seconds; level 9 saves ~3% for twice the time.
  const bytes = await writeNetworkFile(file, network, 6);
  const tEnd = performance.now();
  const w = (s: string) => process.stdout.write(`${s}\n`);
  const kinds = { breaker: 0, recloser: 0, switch: 0, fuse: 0 };
  for (const d of network.devices) kinds[d.kind]++;
  w(`[sim] generate ${meters} meters, seed ${integer('seed', v.seed, 0) ?? 1}, centre ${network.centre.join(',')}`);
  w(`substations   ${network.substations.length}`);
  w(`feeders       ${network.feeders.length}`);
  w(`devices       ${network.devices.length} (breaker ${kinds.breaker}, recloser ${kinds.recloser}, switch ${kinds.switch}, fuse ${kinds.fuse})`);
  w(`transformers  ${network.transformers.length}`);
  w(`meters        ${network.customers.length}`);
  w(`grids/teams   ${network.grids.length}`);
  w(`time          generate ${((tGen - t0) / 1000).toFixed(2)} s, write ${((tEnd - tGen) / 1000).toFixed(2)} s`);
  w(`memory        rss ${mb(mem.rss)}, heapUsed ${mb(mem.heapUsed)} after generating; rss ${mb(process.memoryUsage().rss)} after writing`);
  w(`wrote         ${file} (${mb(bytes)})`);
  return 0;
}

function help() {
  process.stdout.write(`Usage:\n${NETWORK_HELP}`);
  return 0;
}

/** Runs `import-opendss` / `generate`; returns the exit code (2 for usage errors). */
export async function runNetworkCommand(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    return command === 'generate' ? await generateCommand(args) : await importCommand(args);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`[sim] ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (usage) process.stderr.write('Try --help.\n');
    return usage ? 2 : 1;
  }
}
