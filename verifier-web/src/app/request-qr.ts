// The request the page shows as a QR for the citizen's wallet: the offline
// transport's request frame from @vneid/core (`encodeRequestQr`, the form
// `decodeRequestQr` and `wallet.preview` read), holding a QueryByExample
// built from what the officer ticks. Types and fields come from the
// @vneid/schemas registry with their labels: a new registered type shows up
// here without a change to the page.
import { encodeRequestQr, type PresentationRequest, qrSymbolOf } from '@vneid/core';
import { disclosableFieldsFor, labelFor, listCredentialTypes } from '@vneid/schemas';

/** What the officer asks for. */
export interface RequestedCredential {
  type: string;
  fields: string[];
  reason: string;
}

/** The QueryByExample request of the VC API / the offline transport. */
export function presentationRequest(
  asked: RequestedCredential,
  challenge: string,
  domain: string,
): PresentationRequest {
  return {
    query: [
      {
        type: 'QueryByExample' as const,
        credentialQuery: {
          reason: asked.reason,
          example: { type: asked.type, credentialSubject: Object.fromEntries(asked.fields.map((f) => [f, ''])) },
        },
      },
    ],
    challenge,
    domain,
  };
}

function bilingual(vi: string, en: string): string {
  return vi === en ? vi : `${vi} / ${en}`;
}

/**
 * Fills the type `<select>` and the field checkboxes from the registry and
 * calls `onChange` with the officer's choice whenever it changes.
 */
export function renderRequestForm(
  select: HTMLSelectElement,
  fieldset: HTMLElement,
  initial: Partial<RequestedCredential>,
  reason: string,
  onChange: (asked: RequestedCredential) => void,
): RequestedCredential {
  const types = listCredentialTypes().map((d) => d.type);
  select.replaceChildren(
    ...types.map((type) => {
      const option = document.createElement('option');
      option.value = type;
      option.textContent = bilingual(labelFor(type, '', 'vi') ?? type, labelFor(type, '', 'en') ?? type);
      return option;
    }),
  );
  select.value = initial.type && types.includes(initial.type) ? initial.type : (types[0] ?? '');
  const current = (): RequestedCredential => ({
    type: select.value,
    fields: [...fieldset.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((i) => i.value),
    reason,
  });
  const fillFields = (checked: readonly string[]) => {
    const type = select.value;
    fieldset.replaceChildren(
      ...disclosableFieldsFor(type).map((field) => {
        const label = document.createElement('label');
        label.dataset.field = field;
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.value = field;
        box.checked = checked.includes(field);
        box.addEventListener('change', () => onChange(current()));
        const vi = labelFor(type, `/${field}`, 'vi') ?? field;
        const en = labelFor(type, `/${field}`, 'en') ?? field;
        label.append(box, ` ${bilingual(vi, en)}`);
        return label;
      }),
    );
  };
  fillFields(initial.type === select.value ? (initial.fields ?? []) : []);
  select.addEventListener('change', () => {
    fillFields([]);
    onChange(current());
  });
  return current();
}

/** Draws the request as one QR (byte mode, error correction M) on `canvas`, with a quiet zone. */
export function drawRequestQr(canvas: HTMLCanvasElement, request: object, scale = 4): void {
  const [part] = encodeRequestQr(request);
  drawQr(canvas, part!, scale);
}

/** Draws `bytes` as one QR code (byte mode, error correction M) on `canvas`, with a quiet zone. */
export function drawQr(canvas: HTMLCanvasElement, bytes: Uint8Array, scale = 4): void {
  const symbol = qrSymbolOf(bytes, { errorCorrectionLevel: 'M' });
  const margin = 4;
  const side = (symbol.size + 2 * margin) * scale;
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = '#000';
  for (let row = 0; row < symbol.size; row++) {
    for (let col = 0; col < symbol.size; col++) {
      if (symbol.isDark(row, col)) ctx.fillRect((col + margin) * scale, (row + margin) * scale, scale, scale);
    }
  }
  canvas.dataset.version = String(symbol.version);
}
