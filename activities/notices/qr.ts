// A scannable QR code of a tracking code, for the channels that carry images (email, inline).
import { toBuffer } from 'qrcode';

/** Pixels per QR module: a 21-33 module code with its margin prints at 200-300 px, easy to scan from a phone screen. */
const SCALE = 8;
const MARGIN = 4;

/** A PNG of the QR code of `trackingCode` (error correction M: still reads with a smudge). */
export async function trackingQrPng(trackingCode: string): Promise<Buffer> {
  return toBuffer(trackingCode, { type: 'png', errorCorrectionLevel: 'M', scale: SCALE, margin: MARGIN });
}
