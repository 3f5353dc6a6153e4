// Screenshots of the wall in headless Chromium (dev tool). From /work/main, with a server running:
//   pnpm exec tsx web/dev/screenshot.ts [url] [out.png] [--wait-outage|--wait-clear|--wait-status=confirmed|--wait-alert] [--4k] [--settle=ms] [--clip=x,y,w,h]
// The console (a URL ending in /console): signs in with --login=user:password, then optionally
// expands the first alert (--expand) and presses one of its buttons (--press=notify|call-list|crew-priority|acknowledge):
//   pnpm exec tsx web/dev/screenshot.ts http://127.0.0.1:3000/console /tmp/console.png --login=officer:secret --expand
// or opens the work orders (--orders; --height=2000 to see a long detail), waits for a row, selects the first (--select, or the first
// of a status with --select=on-site, or one order with --select=WO-123) and presses one of its buttons (--press-order=accept|on-site|resolve|callback-1-yes|callback-2-5|…):
//   pnpm exec tsx web/dev/screenshot.ts http://127.0.0.1:3000/console /tmp/orders.png --login=officer:secret --orders --select
// or opens the handover tab (--handover; --shift=previous for the shift before; --print to render it with the print stylesheet,
// full page), or the outage detail pane (--outage: from the first alert card; with --orders --select, from the order's outage):
//   pnpm exec tsx web/dev/screenshot.ts http://127.0.0.1:3000/console /tmp/handover.png --login=officer:secret --handover --full
// (page.evaluate callbacks run in the page: tsconfig.node.json has the DOM lib for them.)
// Prints the test attributes and any page errors, so a run also tells what the wall shows
// (render-ms: ms from navigation until the network map was first on screen).
import { chromium, type Page } from 'playwright-core';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [url = 'http://127.0.0.1:3000/', file = '/tmp/wall.png'] = args.filter((a) => !a.startsWith('--'));
const clipArg = [...args].find((a) => a.startsWith('--clip='))?.split('=')[1]?.split(',').map(Number);
const clip = clipArg && clipArg.length === 4 ? { x: clipArg[0]!, y: clipArg[1]!, width: clipArg[2]!, height: clipArg[3]! } : undefined;
const settleMs = Number([...args].find((a) => a.startsWith('--settle='))?.split('=')[1] ?? 1500);
const big = flags.has('--4k');
/** --height=N: a taller page (the console's order detail scrolls inside the viewport). */
const height = Number([...args].find((a) => a.startsWith('--height='))?.split('=')[1] ?? 1080);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: big ? { width: 3840, height: 2160 } : { width: 1920, height } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  await page.goto(url);
  if (new URL(url).pathname.startsWith('/console')) await shootConsole(page);
  else await shootWall(page);
  for (const p of problems) console.log(p);
} finally {
  await browser.close();
}

async function shootWall(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="kpi-messages-per-sec"]');
  await page.waitForFunction(() => (document.querySelector('[data-testid="map"]') as HTMLElement | null)?.dataset.renderMs !== undefined, null, { timeout: 15_000 });
  if (flags.has('--wait-outage')) {
    await page.waitForFunction(() => (document.querySelector('[data-testid="map"]') as HTMLElement).dataset.outTransformers !== '', null, { timeout: 60_000 });
  }
  if (flags.has('--wait-clear')) {
    await page.waitForFunction(() => (document.querySelector('[data-testid="map"]') as HTMLElement).dataset.outTransformers === '', null, { timeout: 60_000 });
  }
  if (flags.has('--wait-alert')) await page.waitForSelector('[data-testid="alert-row"]', { timeout: 90_000 });
  const status = [...flags].find((f) => f.startsWith('--wait-status='))?.split('=')[1];
  if (status) {
    await page.waitForSelector(`[data-testid="outage-row"][data-outage-status="${status}"]`, { timeout: 60_000 });
  }
  await page.waitForTimeout(settleMs);
  await page.screenshot({ path: file, clip });
  const info = await page.evaluate(() => ({
    out: (document.querySelector('[data-testid="map"]') as HTMLElement).dataset.outTransformers,
    renderMs: (document.querySelector('[data-testid="map"]') as HTMLElement).dataset.renderMs,
    drawMs: (document.querySelector('[data-testid="map"]') as HTMLElement).dataset.drawMs,
    detail: document.querySelector('[data-testid="outage-detail"]')?.getAttribute('data-outage-device'),
    notes: [...document.querySelectorAll('[data-testid="evidence-note"]')].map((e) => e.textContent),
    kpis: [...document.querySelectorAll('[data-testid^="kpi-"]')].map((e) => `${e.getAttribute('data-testid')}=${e.textContent}`),
    rows: [...document.querySelectorAll('[data-testid="outage-row"]')].map((e) => `${e.getAttribute('data-outage-device')}:${e.getAttribute('data-outage-status')}:risk=${e.getAttribute('data-risk')}`),
    alerts: [...document.querySelectorAll('[data-testid="alert-row"]')].map(
      (e) => `${e.getAttribute('data-outage-device')}:${e.getAttribute('data-severity')}:${e.getAttribute('data-status')}:${e.querySelector('[data-testid="alert-escalation"]')?.getAttribute('data-level')}`,
    ),
    flooded: document.querySelector('[data-testid="alert-flooded"]')?.getAttribute('data-count') ?? '0',
    complaints: (() => {
      const c = document.querySelector('[data-testid="complaints-chart"]');
      return c ? `${c.getAttribute('data-hours')} h, actual ${c.getAttribute('data-actual')}, predicted ${c.getAttribute('data-predicted')}` : null;
    })(),
    connection: document.querySelector('[data-testid="connection"]')?.getAttribute('data-state'),
    scroll: { x: document.documentElement.scrollWidth > innerWidth, y: document.documentElement.scrollHeight > innerHeight },
  }));
  console.log(JSON.stringify({ file, ...info }, null, 1));
}

async function shootConsole(page: Page): Promise<void> {
  const login = [...args].find((a) => a.startsWith('--login='))?.slice('--login='.length);
  if (login) {
    const [user = '', ...pw] = login.split(':');
    await page.fill('[data-testid="username"]', user);
    await page.fill('[data-testid="password"]', pw.join(':'));
    await page.click('[data-testid="sign-in-submit"]');
    await page.waitForSelector('[data-testid="console-user"]', { timeout: 15_000 });
    if (flags.has('--handover')) await handover(page);
    else if (flags.has('--orders')) await workOrders(page);
    else {
      await page.waitForSelector('[data-testid="alert-queue"]', { timeout: 15_000 });
      await page.waitForSelector('[data-testid="console-alert"]', { timeout: 60_000 }).catch(() => {});
      if (flags.has('--expand')) await page.locator('[data-testid="alert-expand"]').first().click().catch(() => {});
      const press = [...args].find((a) => a.startsWith('--press='))?.split('=')[1];
      if (press) await page.locator(`[data-testid="action-${press}"]`).first().click().catch(() => {});
      if (flags.has('--outage')) await openPane(page, '[data-testid="alert-outage"]');
    }
  }
  if (flags.has('--print')) await page.emulateMedia({ media: 'print' });
  await page.waitForTimeout(settleMs);
  await page.screenshot({ path: file, clip, fullPage: !clip && (flags.has('--full') || flags.has('--print')) });
  const info = await page.evaluate(() => ({
    user: document.querySelector('[data-testid="console-user"]')?.textContent,
    alerts: [...document.querySelectorAll('[data-testid="console-alert"]')].map((e) => `${e.getAttribute('data-alert-id')}:${e.getAttribute('data-status')}`),
    errors: [...document.querySelectorAll('[role="alert"]')].map((e) => e.textContent),
    done: [...document.querySelectorAll('[data-testid="console-done"], [data-testid="order-done"]')].map((e) => e.textContent),
    orders: [...document.querySelectorAll('[data-testid="order-row"]')].map((e) => `${e.getAttribute('data-order-id')}:${e.getAttribute('data-status')}`),
    detail: document.querySelector('[data-testid="order-detail"]')?.getAttribute('data-order-id') ?? null,
    enabled: [...document.querySelectorAll('[data-testid^="order-action-"]:not(:disabled)')].map((e) => e.getAttribute('data-testid')!.slice('order-action-'.length)),
    handover: (() => {
      const h = document.querySelector('[data-testid="handover"]');
      if (!h) return null;
      const tiles = [...h.querySelectorAll('[data-testid^="handover-tile-"]')].map((e) => `${e.getAttribute('data-testid')!.slice('handover-tile-'.length)}=${e.getAttribute('data-value')}`);
      const items = [...h.querySelectorAll('[data-testid="handover-item"]')].map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-id')}:${e.getAttribute('data-reasons')}`);
      return { window: h.querySelector('[data-testid="handover-window"]')?.textContent, tiles, items };
    })(),
    pane: (() => {
      const p = document.querySelector('[data-testid="outage-pane"]');
      if (!p) return null;
      const f = p.querySelector('[data-testid="outage-pane-facts"]');
      return {
        outage: p.getAttribute('data-outage-id'),
        customers: f?.getAttribute('data-customers'),
        areas: f?.getAttribute('data-areas'),
        events: [...p.querySelectorAll('[data-testid="outage-pane-event"]')].map((e) => e.getAttribute('data-kind')).join(','),
        notices: p.querySelectorAll('[data-testid="outage-pane-notice"]').length,
        orders: p.querySelectorAll('[data-testid="outage-pane-order"]').length,
      };
    })(),
    scroll: { x: document.documentElement.scrollWidth > innerWidth },
  }));
  console.log(JSON.stringify({ file, ...info }, null, 1));
}

async function workOrders(page: Page): Promise<void> {
  await page.click('[data-testid="tab-orders"]');
  await page.waitForSelector('[data-testid="order-list"]', { timeout: 15_000 });
  await page.waitForSelector('[data-testid="order-row"]', { timeout: 180_000 }).catch(() => {});
  const select = [...args].find((a) => a.startsWith('--select'));
  if (!select) return;
  // --select=<status> or --select=<order id>
  const which = select.split('=')[1];
  const row = '[data-testid="order-row"]';
  await page.locator(which ? `${row}[data-status="${which}"], ${row}[data-order-id="${which}"]` : row).first().click().catch(() => {});
  await page.waitForSelector('[data-testid="order-actions"]', { timeout: 10_000 }).catch(() => {});
  const press = [...args].find((a) => a.startsWith('--press-order='))?.split('=')[1];
  if (press) {
    await page.locator(`[data-testid="order-action-${press}"]`).click({ force: true, timeout: 5_000 }).catch((e: Error) => console.log(`press ${press}: ${e.message.split('\n')[0]}`));
    await page.waitForSelector('[data-testid="order-done"], [data-testid="order-error"]', { timeout: 10_000 }).catch(() => {});
  }
  if (flags.has('--outage')) await openPane(page, '[data-testid="order-outage-open"]');
}

async function handover(page: Page): Promise<void> {
  await page.click('[data-testid="tab-handover"]');
  if ([...args].includes('--shift=previous')) await page.selectOption('[data-testid="handover-shift"]', 'previous');
  await page.waitForSelector('[data-testid="handover"][data-loaded="true"]', { timeout: 15_000 }).catch(() => console.log('handover: not loaded'));
}

/** Opens the outage pane with the first button matching `selector` and waits for its data. */
async function openPane(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().click({ timeout: 10_000 }).catch((e: Error) => console.log(`outage pane: ${e.message.split('\n')[0]}`));
  await page.waitForSelector('[data-testid="outage-pane"][data-loaded="true"]', { timeout: 10_000 }).catch(() => {});
}
