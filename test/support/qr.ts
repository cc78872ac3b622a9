// Reading a QR code back from its PNG, as a phone camera or a counter's scanner would.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';

/** The text a QR image holds, or undefined when none is found in it. */
export function scanQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  // jsqr is CommonJS with a default export: under NodeNext the function is its `default`.
  return jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}
