import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import jsQR from 'jsqr';
import { RideCodeWallet } from '../../client/rideCodeWallet.js';
import { CameraFrame } from '../../protocol/messages.js';
import { frameToScanPayload, grayToRgba, renderFrame } from '../../simulator/frames/renderFrame.js';
import { giveTestCredential } from './support.js';

describe('simulator camera frames', () => {
  const wallet = RideCodeWallet.generate();
  giveTestCredential(wallet);

  it('when the same code is rendered with the same seed, then the frame is the same, and another seed differs', () => {
    const code = wallet.code();
    const a = renderFrame(code, { seed: 7 });
    assert.deepEqual(renderFrame(code, { seed: 7 }).data, a.data);
    assert.notDeepEqual(renderFrame(code, { seed: 8 }).data, a.data);
    assert.deepEqual([a.width, a.height, a.data.length], [640, 480, 640 * 480]);
  });

  it('when a frame becomes a scan payload, then it is a valid gray8 CameraFrame of the same bytes', () => {
    const frame = renderFrame(wallet.code(), { seed: 3 });
    const payload = CameraFrame.parse(frameToScanPayload(frame));
    assert.deepEqual(new Uint8Array(Buffer.from(payload.data, 'base64')), frame.data);
  });

  it('when jsqr reads rotated, noisy, unevenly lit frames, then it decodes most of them to the same text', function () {
    this.timeout(60_000);
    const frames = 40;
    let decoded = 0;
    const decodeMs: number[] = [];
    const renderMs: number[] = [];
    for (let seed = 1; seed <= frames; seed++) {
      const code = wallet.code();
      const t0 = performance.now();
      const frame = renderFrame(code, { seed });
      const t1 = performance.now();
      const result = jsQR.default(grayToRgba(frame), frame.width, frame.height);
      decodeMs.push(performance.now() - t1);
      renderMs.push(t1 - t0);
      if (result?.data === code) decoded++;
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(`      jsqr decoded ${decoded}/${frames} frames; decode median ${median(decodeMs).toFixed(1)} ms, max ${Math.max(...decodeMs).toFixed(1)} ms; render median ${median(renderMs).toFixed(1)} ms`);
    assert.ok(decoded >= frames * 0.75, `only ${decoded}/${frames} decoded`);
  });
});
