// A presentation scanned as the offline QR transport of @vneid/core: one or
// several byte-mode QR parts (CBOR-LD per document, DEFLATE, framed with a
// message id, index and count). Parts are checked as they arrive, so a part
// of another presentation, a part given twice or a broken header is refused
// with the codec's code while the holder is still there; the reassembled
// whole is checked against its id (QR_DIGEST_MISMATCH) when decoded.
import {
  createDocumentLoader,
  createQrPartCollector,
  type DocumentLoader,
  decodePresentationQr,
  type JsonObject,
} from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';

/** Where a sequence stands after one more part. */
export type SequenceStep =
  | { state: 'partial'; received: number; count: number; missing: number[]; repeated: boolean }
  | { state: 'complete'; count: number; presentation: JsonObject };

export interface PresentationSequence {
  /**
   * Adds one scanned part; decodes the presentation when the last one arrives.
   * Any refusal forgets the held parts: the sequence starts again.
   *
   * @throws {VneidError} QR_MALFORMED, QR_PARTS_MIXED, QR_PART_DUPLICATE, QR_DIGEST_MISMATCH,
   *   CONTEXT_NOT_ALLOWED, INPUT_LIMIT_EXCEEDED, UNSAFE_JSON.
   */
  add(part: Uint8Array): Promise<SequenceStep>;
  reset(): void;
  readonly received: number;
}

let loader: DocumentLoader | undefined;

/**
 * Only for CBOR-LD decompression: the contexts the page ships. Whether the
 * bundle pins them is checked by the verification that follows, as for any
 * presentation. Built once (TRAPS: a loader per call defeats its caches).
 */
function decodeLoader(): DocumentLoader {
  loader ??= createDocumentLoader({ contexts: registeredContexts() });
  return loader;
}

/**
 * A sequence of presentation parts. `ignoreRepeats` for the camera, which
 * sees the same QR in many frames; files and pasted parts given twice are
 * QR_PART_DUPLICATE.
 */
export function createPresentationSequence(options: { ignoreRepeats?: boolean } = {}): PresentationSequence {
  const collector = createQrPartCollector({ kind: 'presentation', ignoreRepeats: options.ignoreRepeats ?? false });
  return {
    async add(part) {
      try {
        const progress = collector.add(part);
        if (!progress.complete) {
          return {
            state: 'partial',
            received: progress.received,
            count: progress.count,
            missing: progress.missing,
            repeated: progress.repeated,
          };
        }
        collector.reset();
        const presentation = await decodePresentationQr({ parts: progress.parts, documentLoader: decodeLoader() });
        return { state: 'complete', count: progress.count, presentation };
      } catch (error) {
        collector.reset();
        throw error;
      }
    },
    reset() {
      collector.reset();
    },
    get received() {
      return collector.received;
    },
  };
}
