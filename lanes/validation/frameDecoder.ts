import jsQRModule from 'jsqr';
import type { CameraFrame } from '../../protocol/messages.js';

// jsqr is CommonJS with an ES-style `default` export: under NodeNext the import is the module object.
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

/**
 * Reads the ride code text from a camera frame (gray8, one byte per pixel, base64). jsqr wants
 * RGBA, so the frame is expanded once. Undefined when the frame holds no readable code.
 */
export function decodeFrame(frame: CameraFrame): string | undefined {
  const gray = Buffer.from(frame.data, 'base64');
  const pixels = frame.width * frame.height;
  if (gray.length !== pixels) return undefined;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let source = 0, target = 0; source < pixels; source++, target += 4) {
    const value = gray[source];
    rgba[target] = value;
    rgba[target + 1] = value;
    rgba[target + 2] = value;
    rgba[target + 3] = 255;
  }
  const found = jsQR(rgba, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
  return found?.data || undefined;
}
