// `pnpm screenshots`: regenerates the README's screenshots of the wall and the console, in both
// languages, from a GridWatch started here for the purpose. The server runs the built wall on the
// demo network with the demo scenario and a low alert threshold (every outage raises an alert, so
// the pictures show one within a minute); the script files a few customer contacts, some of them
// back-dated so their orders are escalated, and then shoots through web/dev/screenshot.ts.
//   pnpm screenshots [--out docs] [--keep]        (--keep leaves the server running afterwards)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outDir = path.resolve(process.env.INIT_CWD ?? process.cwd(), outAt >= 0 && args[outAt + 1] ? args[outAt + 1]! : 'docs');
const PASSWORD = 'screenshots-only-1';
const log = (m: string) => process.stderr.write(`[screenshots] ${m}\n`);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

async function waitFor<T>(probe: () => Promise<T | null>, what: string, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const [port, mqttPort] = [await freePort(), await freePort()];
const dataDir = mkdtempSync(path.join(tmpdir(), 'gw-shots-'));
const base = `http://127.0.0.1:${port}`;
log('building the wall');
if (spawnSync('pnpm', ['build:web'], { cwd: ROOT, stdio: 'ignore' }).status !== 0) throw new Error('pnpm build:web failed');
log(`starting GridWatch on ${base} (data in ${dataDir})`);
const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PORT: String(port), MQTT_PORT: String(mqttPort), HOST: '127.0.0.1', DATA_DIR: dataDir, CONSOLE_PASSWORD: PASSWORD, TEAM_PASSWORD: PASSWORD, RISK_ALERT_THRESHOLD: '0.01', RISK_EVAL_S: '5' },
});
const stop = () => {
  if (server.exitCode === null) server.kill('SIGINT');
};
process.on('exit', stop);

try {
  await waitFor(async () => ((await fetch(`${base}/api/health`)).ok ? true : null), 'the server', 60_000);
  const token = ((await (await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'officer', password: PASSWORD }) })).json()) as { token: string }).token;
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  // A morning's contacts from every channel; the older ones are escalated by the time of the shot.
  const contacts = [
    { id: 'shot-1', ts: ago(44), channel: 'hotline', customer: 'CU0000100', category: 'voltage', type: 'complaint', text: '家里电压低，空调启动不了，要求尽快处理' },
    { id: 'shot-2', ts: ago(30), channel: 'app', customer: 'CU0000400', category: 'outage', type: 'report', text: '家里没电了' },
    { id: 'shot-3', ts: ago(25), channel: 'wechat', customer: 'CU0000800', category: 'unclassified', text: '电费比上个月高很多，请问怎么回事？' },
    { id: 'shot-4', ts: ago(12), channel: 'hall', customer: 'CU0001200', category: 'attitude', type: 'complaint', text: '工作人员态度不耐烦' },
    { id: 'shot-5', ts: ago(5), channel: 'hotline', customer: 'CU0001500', category: 'billing', type: 'enquiry', text: '交了电费余额没有更新' },
    { id: 'shot-6', ts: ago(38), channel: 'hotline', customer: 'CU0000300', category: 'outage', type: 'report', text: 'No power since this morning' },
  ];
  for (const c of contacts) {
    const r = await fetch(`${base}/api/contacts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(c) });
    if (!r.ok) throw new Error(`contact ${c.id}: ${r.status} ${await r.text()}`);
  }
  log('waiting for an outage with its alert (the demo scenario starts one within a minute)');
  await waitFor(async () => {
    const alerts = ((await (await fetch(`${base}/api/alerts`)).json()) as { alerts: unknown[] }).alerts;
    return alerts.length ? true : null;
  }, 'an alert', 180_000);
  await new Promise((r) => setTimeout(r, 12_000)); // supervision ticks; the wall settles

  const shots: [string, string, string[]][] = [
    ['wall-zh.png', '/', ['--wait-alert']],
    ['wall-en.png', '/?lang=en', ['--wait-alert']],
    ['console-zh.png', '/console', [`--login=officer:${PASSWORD}`, '--expand']],
    ['console-en.png', '/console?lang=en', [`--login=officer:${PASSWORD}`, '--expand']],
    ['console-orders-zh.png', '/console', [`--login=officer:${PASSWORD}`, '--orders', '--select=WO-shot-1']],
    ['console-orders-en.png', '/console?lang=en', [`--login=officer:${PASSWORD}`, '--orders', '--select=WO-shot-1']],
  ];
  for (const [file, url, flags] of shots) {
    const out = path.join(outDir, file);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'web/dev/screenshot.ts', `${base}${url}`, out, ...flags], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${file}: ${r.stderr || r.stdout}`);
    const problems = (r.stdout.match(/^(pageerror|console\.error).*$/gm) ?? []).join('\n');
    log(`${out}${problems ? `\n${problems}` : ''}`);
  }
  log(`done: ${shots.length} screenshots in ${outDir}`);
} finally {
  if (!args.includes('--keep')) {
    stop();
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  } else log(`the server keeps running on ${base} (console password ${PASSWORD})`);
}
