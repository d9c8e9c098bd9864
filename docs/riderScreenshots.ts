import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { DemoNetwork } from '../demo/demoNetwork.js';
import { DEMO_RIDER_EMAIL } from '../demo/demoAccounts.js';
import { setRiderLogin } from '../gateway/access/riderLogins.js';
import { Phone } from '../simulator/people/phone.js';
import { RiderApi } from '../simulator/people/riderApi.js';

const PASSWORD = 'screenshots only';

/**
 * docs/images/rider-code.png and rider-journeys.png, for docs/riders.md: a rider signed up with a
 * web login rides the demo network from a simulated phone (three metro trips and a bus), then
 * logs in through /me/login in the browser, whose ride code page enrols the browser as a phone.
 */
export async function shootRiderPages(network: DemoNetwork, browser: BrowserContext, outputDir: string): Promise<void> {
  const gatewayUrl = network.gateway.url;
  const api = new RiderApi(gatewayUrl);
  const rider = await api.createRider({ name: 'Ada Lovelace' });
  await api.topUp(rider.id, 2000, 'screenshots');
  await setRiderLogin(network.gateway.knex, rider.id, DEMO_RIDER_EMAIL, PASSWORD, { now: Date.now(), costLog2: network.gateway.config.passwordCostLog2 });
  const phone = new Phone();
  await phone.enrol(gatewayUrl, rider.id, rider.accessToken);
  const devices = network.devices!;
  const metro = network.options.sites.filter((site) => site.mode === 'metro');
  for (const [from, to] of [[0, 3], [3, 5], [5, 0]] as const) {
    for (const [site, direction] of [[metro[from]!, 'entry'], [metro[to]!, 'exit']] as const) {
      const gate = devices.turnstilesAt(site.id)[direction === 'entry' ? 0 : 2]!;
      const answer = await gate.scan({ code: phone.code() }, direction);
      if (answer.command.action !== 'open') throw new Error(`${direction} at ${site.name} denied: ${answer.command.reason}`);
      await gate.walkThrough();
    }
  }
  const bus = network.options.sites.find((site) => site.mode === 'bus')!;
  await devices.validatorsAt(bus.id)[0]!.scan({ code: phone.code() });
  // Wait until the gateway has charged all four.
  for (let waited = 0; ; waited += 200) {
    const journeys = await network.gateway.knex('journeys').where({ rider_id: rider.id }).whereIn('status', ['complete']).count({ n: '*' });
    if (Number(journeys[0]?.n) >= 4) break;
    if (waited > 20_000) throw new Error('the screenshot rider\'s journeys were not charged within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const page = await browser.newPage();
  await page.goto(`${gatewayUrl}/me/login`);
  await page.getByLabel('E-mail address').fill(DEMO_RIDER_EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/me$/);
  await page.waitForFunction(() => {
    const image = document.getElementById('ride-code-qr') as HTMLImageElement | null;
    return Boolean(image && !image.hidden && image.complete && image.naturalWidth > 0);
  });
  await page.screenshot({ path: join(outputDir, 'rider-code.png') });
  await page.goto(`${gatewayUrl}/me/journeys`);
  await page.screenshot({ path: join(outputDir, 'rider-journeys.png'), fullPage: true });
  // Log out, so the browser's later pages are not the rider's.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/me\/login$/);
  await page.close();
  console.log(`wrote ${join(outputDir, 'rider-code.png')} and rider-journeys.png`);
}
