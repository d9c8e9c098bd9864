import QRCode from 'qrcode';
import type { CameraFrame } from '../../protocol/messages.js';
import { between, seededRandom, type RandomSource } from '../random.js';

/**
 * What a gate's camera sees when a rider holds up a phone: the ride code's QR symbol on a
 * bright screen inside a dark bezel, against a dim background, a little rotated and off
 * centre, lit unevenly, with sensor noise. Deterministic from the seed.
 */
export interface GrayFrame {
  width: number;
  height: number;
  /** One byte per pixel, row by row, 0 black to 255 white. */
  data: Uint8Array;
}

export interface RenderFrameOptions {
  /** Same seed, same frame. Default 1. */
  seed?: number;
  width?: number;
  height?: number;
  /** Side of the QR symbol (without quiet zone) in pixels. Default: 180-260 from the seed. */
  codeSizePx?: number;
  /** Default: -4..4 degrees from the seed. */
  rotationDeg?: number;
  /** Standard deviation of the sensor noise, grey levels. Default 3 (jsqr fails on nearly every frame from 5). */
  noiseSigma?: number;
  /** 0 = even light; 0.4 = one side about 40 % darker than the other. Default 0.3. */
  unevenLighting?: number;
  /** Where the code's centre sits relative to the frame centre. Default: up to 40 px from the seed. */
  offsetPx?: { x: number; y: number };
}

const QUIET_ZONE_MODULES = 4;
const SCREEN_MARGIN_PX = 10;
const BEZEL_PX = 14;
const DARK_MODULE = 35;
const LIGHT_SCREEN = 215;
const BEZEL = 28;

export function renderFrame(text: string, options: RenderFrameOptions = {}): GrayFrame {
  const random = seededRandom(options.seed ?? 1);
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const symbol = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const codeSizePx = options.codeSizePx ?? between(random, 180, 260);
  const rotation = ((options.rotationDeg ?? between(random, -4, 4)) * Math.PI) / 180;
  const noiseSigma = options.noiseSigma ?? 3;
  const lighting = lightingField(random, width, height, options.unevenLighting ?? 0.3);
  const offset = options.offsetPx ?? { x: between(random, -40, 40), y: between(random, -40, 40) };

  const modulePx = codeSizePx / symbol.size;
  const screenHalfPx = codeSizePx / 2 + QUIET_ZONE_MODULES * modulePx + SCREEN_MARGIN_PX;
  const centreX = width / 2 + offset.x;
  const centreY = height / 2 + offset.y;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const data = new Uint8Array(width * height);

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Rotate the pixel back into the phone's frame of reference (pixel centres at +0.5).
      const dx = x + 0.5 - centreX;
      const dy = y + 0.5 - centreY;
      const u = cos * dx + sin * dy;
      const v = -sin * dx + cos * dy;
      const edge = Math.max(Math.abs(u), Math.abs(v));
      let value: number;
      if (edge <= screenHalfPx) value = DARK_MODULE + (LIGHT_SCREEN - DARK_MODULE) * lightness(symbol, u / modulePx + symbol.size / 2, v / modulePx + symbol.size / 2);
      else if (edge <= screenHalfPx + BEZEL_PX) value = BEZEL;
      else value = 95 + 40 * (y / height) + 10 * Math.sin(x / 37);
      // Sum of three uniforms: Gaussian enough for sensor noise, and far cheaper than Box-Muller.
      const noise = (random() + random() + random() - 1.5) * 2;
      const pixel = value * lighting(x, y) + noiseSigma * noise;
      data[y * width + x] = pixel < 0 ? 0 : pixel > 255 ? 255 : pixel;
    }
  }
  return { width, height, data };
}

/** The camera frame as a ScanEvent carries it. */
export function frameToScanPayload(frame: GrayFrame): CameraFrame {
  return { width: frame.width, height: frame.height, format: 'gray8', data: Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength).toString('base64') };
}

/** Grey to RGBA, as jsqr and canvas-style decoders take it. */
export function grayToRgba(frame: GrayFrame): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(frame.width * frame.height * 4);
  for (let i = 0, j = 0; i < frame.data.length; i++, j += 4) {
    rgba[j] = rgba[j + 1] = rgba[j + 2] = frame.data[i];
    rgba[j + 3] = 255;
  }
  return rgba;
}

interface ModuleGrid {
  size: number;
  get(row: number, col: number): number;
}

/**
 * 1 for white, 0 for a dark module, sampled bilinearly between module centres: a mild optical
 * blur, as a real lens gives. Outside the symbol is the quiet zone, white.
 */
function lightness(symbol: ModuleGrid, col: number, row: number): number {
  const fx = col - 0.5;
  const fy = row - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  const at = (r: number, c: number) => (r < 0 || c < 0 || r >= symbol.size || c >= symbol.size ? 1 : symbol.get(r, c) ? 0 : 1);
  const top = at(y0, x0) * (1 - tx) + at(y0, x0 + 1) * tx;
  const bottom = at(y0 + 1, x0) * (1 - tx) + at(y0 + 1, x0 + 1) * tx;
  return top * (1 - ty) + bottom * ty;
}

/** A linear gradient in a random direction plus a vignette, as a gate's overhead light gives. */
function lightingField(random: RandomSource, width: number, height: number, strength: number): (x: number, y: number) => number {
  const angle = random() * 2 * Math.PI;
  const gx = Math.cos(angle);
  const gy = Math.sin(angle);
  return (x, y) => {
    const nx = x / width - 0.5;
    const ny = y / height - 0.5;
    return 1 + strength * (gx * nx + gy * ny) - 0.6 * strength * (nx * nx + ny * ny);
  };
}
