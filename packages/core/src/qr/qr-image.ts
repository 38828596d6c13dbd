// Browser-safe: `qrcode`'s symbol builder and `jsqr`'s reader are pure JavaScript.
import jsQRModule from 'jsqr';
import QRCode from 'qrcode';

// jsqr is a UMD bundle typed as an ES module: Node hands back the function, bundlers may hand back `{ default }`.
type JsQr = typeof import('jsqr').default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

/** Error correction levels of QR codes. */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/**
 * The QR symbol for one part in byte mode: its version and module matrix
 * (`size` × `size`, true = dark), for any renderer (canvas, PNG, terminal).
 *
 * @example
 * const { version } = qrSymbolOf(parts[0], { errorCorrectionLevel: 'M' })
 */
export function qrSymbolOf(
  part: Uint8Array,
  options: { errorCorrectionLevel?: QrErrorCorrection } = {},
): { version: number; size: number; isDark(row: number, col: number): boolean } {
  const symbol = QRCode.create([{ data: part, mode: 'byte' }], {
    errorCorrectionLevel: options.errorCorrectionLevel ?? 'M',
  });
  const { size } = symbol.modules;
  return { version: symbol.version, size, isDark: (row, col) => Boolean(symbol.modules.get(row, col)) };
}

/**
 * Reads one QR code from RGBA pixels (a camera frame, a canvas, a decoded
 * PNG) and returns its bytes, or undefined when no code is found.
 *
 * @example
 * const bytes = readQrImage({ data: imageData.data, width, height })
 */
export function readQrImage(image: {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}): Uint8Array | undefined {
  const pixels =
    image.data instanceof Uint8ClampedArray
      ? image.data
      : new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const code = jsQR(pixels, image.width, image.height, { inversionAttempts: 'dontInvert' });
  return code ? Uint8Array.from(code.binaryData) : undefined;
}
