// First-render time of the wall's network map (dev tool). From /work/main, with a server running:
//   pnpm exec tsx web/dev/render-time.ts [url] [runs]
// Each run starts a fresh headless Chromium (cold), reads the map's data-render-ms (ms from
// navigation until the network was first on screen), reloads and reads it again (warm).
import { chromium, type Page } from 'playwright-core';

const [url = 'http://127.0.0.1:3000/', runsArg = '5'] = process.argv.slice(2);
const runs = Math.max(1, Number(runsArg) || 5);

async function renderMs(page: Page): Promise<number> {
  const sel = '[data-testid="map"]';
  await page.waitForFunction((s) => (document.querySelector(s) as HTMLElement | null)?.dataset.renderMs !== undefined, sel, { timeout: 30_000 });
  return Number(await page.evaluate((s) => (document.querySelector(s) as HTMLElement).dataset.renderMs, sel));
}

const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(url);
    cold.push(await renderMs(page));
    await page.reload();
    warm.push(await renderMs(page));
  } finally {
    await browser.close();
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ url, cold, warm, coldMedian: median(cold), warmMedian: median(warm) }));
