// QR codes from an image file or the camera, through jsQR. The payload is
// handed on as the QR's raw bytes when they are gzip, as text otherwise.
import jsQRModule from 'jsqr';
import { isQrFrame } from './decode-payload.js';

// jsqr is CommonJS with `export default` in its types: the callable is the module or its default.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

/** A QR payload: raw bytes for byte-mode binary data, else its text. */
export type QrPayload = string | Uint8Array;

function payloadOf(code: { data: string; binaryData: number[] }): QrPayload {
  const bytes = code.binaryData;
  const raw = Uint8Array.from(bytes);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b) || isQrFrame(raw) ? raw : code.data;
}

function readFrame(source: CanvasImageSource, width: number, height: number): QrPayload | undefined {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return undefined;
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  const code = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
  return code ? payloadOf(code) : undefined;
}

/** The QR in an image file, or `undefined` when none is found. */
export async function readQrFromFile(file: Blob): Promise<QrPayload | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    // Large photos are scaled down: jsQR's time grows with the pixel count.
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    return readFrame(bitmap, Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  } finally {
    bitmap.close();
  }
}

/**
 * Scans the camera, handing each QR read to `onPayload` until it answers
 * `true` (done: a whole presentation, or a refusal) or `signal` aborts;
 * stops the camera either way. A multi-QR sequence is read in one session.
 */
export async function scanCamera(
  video: HTMLVideoElement,
  signal: AbortSignal,
  onPayload: (payload: QrPayload) => Promise<boolean>,
): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  try {
    video.srcObject = stream;
    await video.play();
    while (!signal.aborted) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (video.videoWidth === 0) continue;
      const found = readFrame(video, video.videoWidth, video.videoHeight);
      if (found !== undefined && (await onPayload(found))) return;
    }
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
