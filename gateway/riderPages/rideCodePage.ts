import { csrfTokenOf } from '../access/principal.js';
import { arrearsViewOf } from '../arrears/arrearsView.js';
import type { GatewayContext } from '../context.js';
import { html } from '../console/html.js';
import { riderPage } from '../console/layout.js';
import { offlineLimitOf } from '../credentials/issueCredential.js';
import { riderFunds } from '../riders/riderRecords.js';
import { pageFormats } from './format.js';
import type { PageRenderer } from './pageHandlers.js';

/**
 * /me: the ride code. The page's script (gateway/web/rideCode.js) makes this browser a phone of the
 * rider: its own Ed25519 key, enrolled through the rider API, a credential fetched while online,
 * and a fresh code signed on the device every rideCodeRefreshS (docs/riders.md).
 */
export function rideCodePage(ctx: GatewayContext): PageRenderer {
  const format = pageFormats(ctx.config);
  return async (_request, response, rider) => {
    const [funds, arrears, offlineLimitMinor] = await Promise.all([riderFunds(ctx.knex, rider), arrearsViewOf(ctx.knex, rider.id), offlineLimitOf(ctx.knex, ctx.config, rider, ctx.clock.now())]);
    const money = (minor: number) => format.money(minor, rider.currency);
    const warning =
      rider.status === 'in_arrears'
        ? html`<p class="problem" role="alert">Gates and toll lanes refuse your codes and vehicles until you repay the ${money(arrears.outstandingMinor)} you owe. <a href="/me/money">Repay now</a>.</p>`
        : offlineLimitMinor <= 0
          ? html`<p class="problem" role="alert">Your balance and pay-later line are used up, so gates will refuse your code. <a href="/me/money">Top up</a> first.</p>`
          : html``;
    const body = html`${warning}
<section class="ride-code" id="ride-code" data-rider-id="${rider.id}" data-csrf-token="${csrfTokenOf(response)}" data-refresh-s="${ctx.config.rideCodeRefreshS}" data-offline-limit-minor="${offlineLimitMinor}" data-currency="${rider.currency}">
<figure class="qr">
<img id="ride-code-qr" alt="Your ride code, for the gate's scanner" width="320" height="320" hidden>
<figcaption id="ride-code-state" role="status">Getting this device ready to show your ride code…</figcaption>
</figure>
<div class="code-facts">
<p class="countdown">Next code in <strong id="ride-code-countdown">–</strong></p>
<dl class="facts">
<dt>Credential valid until</dt><dd id="credential-until">–</dd>
<dt>Offline limit</dt><dd id="credential-limit">–</dd>
<dt>This device</dt><dd id="phone-id">not enrolled yet</dd>
</dl>
<details><summary>Code text</summary><code id="ride-code-text" class="code-text"></code></details>
</div>
</section>
<noscript><p class="problem">Ride codes are signed on this device by the page's script: turn JavaScript on to show your code.</p></noscript>
<p class="hint">Hold the code under the gate's scanner or the bus validator. This device signs a new code every ${ctx.config.rideCodeRefreshS} seconds with a key that never leaves it, so a screenshot of a code is refused within seconds. The gate checks the code on its own, without a network; the picture of the QR code is drawn by the gateway from the code this device signed.</p>
<h2>Your account</h2>
<dl class="facts">
<dt>Balance</dt><dd>${money(funds.balanceMinor)}</dd>
<dt>Available with your pay-later line</dt><dd>${money(funds.availableMinor)}</dd>
<dt>Owed</dt><dd>${arrears.outstandingMinor > 0 ? html`${money(arrears.outstandingMinor)} · <a href="/me/money">how to repay</a>` : 'nothing'}</dd>
</dl>
<p class="hint">Driving? Your vehicles pass toll lanes with their tag or plate: see <a href="/me/journeys#vehicles">your vehicles and toll trips</a>.</p>`;
    return riderPage(response, { title: 'Your ride code', body, scripts: ['/rideCode.js'] });
  };
}
