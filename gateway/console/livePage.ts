import { Router } from 'express';
import type { GatewayContext } from '../context.js';
import { html } from './html.js';
import { consolePage, sendPage } from './layout.js';
import { staffOf } from './pageKit.js';

/**
 * GET /console: the network live. The page is a frame; gateway/web/live.js fills it from the API
 * (network, stats, lanes, journeys) and keeps it current from /api/live, which carries only what
 * the signed-in staff may see. data-* attributes tell the script whose page it is and the limits
 * it judges lanes and devices by.
 */
export function livePage(ctx: GatewayContext) {
  const router = Router();
  router.get('/console', (_request, response) => {
    const staff = staffOf(response);
    const { laneSilentAfterMs, laneTrustStaleAfterMs, deviceSilentAfterMs } = ctx.config;
    const body = html`<div id="live" class="live" data-operator="${staff.operatorId ?? ''}" data-lane-silent-after-ms="${laneSilentAfterMs}" data-trust-stale-after-ms="${laneTrustStaleAfterMs}" data-device-silent-after-ms="${deviceSilentAfterMs}">
<div class="live-head">
<p class="hint">${staff.operatorId ? `The sites, lanes and journeys of ${staff.operatorId}` : 'Every operator'}: gates light up as lanes decide, lanes report their health, and charged journeys arrive, without reloading.</p>
<p id="connection" class="pill" role="status">connecting…</p>
</div>
<p id="problem" class="problem" role="alert" hidden></p>
<section class="counters" aria-label="Totals">
<div><b id="c-rate">0</b><span>decisions in the last minute</span></div>
<div><b id="c-opened">0</b><span>gates opened</span></div>
<div><b id="c-denied">0</b><span>scans denied</span></div>
<div><b id="c-journeys">0</b><span>journeys charged</span></div>
<div><b id="c-revenue">0</b><span>revenue</span></div>
</section>
<p class="hint">Decisions are counted from when you opened this page; journeys and revenue are the gateway's totals.</p>
<section aria-labelledby="h-lanes">
<h2 id="h-lanes">Lanes</h2>
<p class="hint">Each lane controller's latest report: trust age is how long since it last confirmed its keys and deny list are current; outbox, passages waiting to reach the gateway; decisions and latency over the lane's last minute (from a device's event to the gate's command).</p>
<table id="lanes" class="lanes">
<thead><tr><th scope="col">Lane</th><th scope="col">State</th><th scope="col" class="num">Last report</th><th scope="col" class="num">Trust age</th><th scope="col" class="num">Outbox</th><th scope="col" class="num">Decisions / min</th><th scope="col" class="num">Latency p50 / p99</th><th scope="col" class="num">Opened · denied · passed</th></tr></thead>
<tbody><tr class="empty"><td colspan="8">no lane has reported yet</td></tr></tbody>
</table>
</section>
<div class="live-grid">
<div>
<section aria-labelledby="h-metro">
<h2 id="h-metro">Metro stations</h2>
<p class="hint">Each tile is a gate. It lights green with the rider's way (in or out) when it opens, red when it denies; the line under the gates says why.</p>
<div id="stations" class="grid"></div>
</section>
<section aria-labelledby="h-buses">
<h2 id="h-buses">Buses</h2>
<div id="buses" class="grid"></div>
</section>
<section aria-labelledby="h-reasons">
<h2 id="h-reasons">Denied, by reason</h2>
<ul id="deny-reasons" class="reasons"><li class="empty">no scan denied yet</li></ul>
</section>
<section aria-labelledby="h-devices">
<h2 id="h-devices">Devices</h2>
<p class="hint">Every device its lane has heard from, those in trouble first: offline when its status says so, silent when not heard from for ${Math.round(deviceSilentAfterMs / 1000)} s.</p>
<p id="device-summary" class="hint"></p>
<table id="devices" class="devices">
<thead><tr><th scope="col">Lane</th><th scope="col">Device</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Last heartbeat</th><th scope="col">Last fault</th></tr></thead>
<tbody><tr class="empty"><td colspan="6">no device reported yet</td></tr></tbody>
</table>
</section>
</div>
<section aria-labelledby="h-journeys">
<h2 id="h-journeys">Journeys charged</h2>
<p class="hint">Newest first: where the rider went, when, and the fare.</p>
<ol id="journeys" class="feed"><li class="empty">waiting for a rider to finish a journey…</li></ol>
</section>
</div>
</div>`;
    sendPage(response, consolePage(response, 'live', { title: 'Live', body, scripts: ['/live.js'] }));
  });
  return router;
}
