// The web verifier page: loads its configuration and trust data, issues a
// challenge and shows it as the request QR of the offline transport, reads a
// presentation (camera, QR images, one or several parts of the offline
// transport, pasted text) and shows one result screen per verification.
// Verification runs here, offline. With `oid4vp` in its configuration the
// page is also an OpenID4VP verifier: it shows the request link as a QR, the
// serving host relays the wallet's answer, and the page verifies it here.
import { findVneidError, VneidError } from '@vneid/core';
import {
  buildPresentationRequest,
  createChallengeStore,
  type VerificationReport,
  verifyAuthorizationResponse,
  verifyPresentation,
} from '@vneid/verifier/browser';
import { decodePayload, isQrFrame } from './decode-payload.js';
import { openPageStore } from './idb-store.js';
import { openAuthorizationRequest, type PageAuthorizationRequest, requestKey } from './oid4vp-request.js';
import { type QrPayload, readQrFromFile, scanCamera } from './qr-reader.js';
import { createPresentationSequence, type PresentationSequence } from './qr-sequence.js';
import { dataAge, renderDataAge } from './render-data-age.js';
import { renderRefused, renderReport, verdictOf } from './render-report.js';
import {
  drawQr,
  drawRequestQr,
  presentationRequest,
  type RequestedCredential,
  renderRequestForm,
} from './request-qr.js';
import { loadTrustData, type PageConfig, type TrustData } from './trust-data.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const CHALLENGE_TTL_SECONDS = 300;
const DEFAULT_REASON = 'Kiểm tra giấy tờ / Document check';
const POLL_MS = 1000;

async function loadConfig(): Promise<PageConfig> {
  const response = await fetch('config.json');
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = (await response.json()) as PageConfig;
  if (typeof config.anchorKey !== 'string' || typeof config.bundleUrl !== 'string') {
    throw new Error('config.json needs anchorKey and bundleUrl');
  }
  return config;
}

async function start(): Promise<void> {
  const body = document.body;
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch((error) => console.warn('service worker', error));
  }
  const config = await loadConfig();
  const store = await openPageStore();
  let data: TrustData = await loadTrustData(config, store, new Date());
  const domain = config.domain ?? location.host;
  const challenges = createChallengeStore({ ttlSeconds: CHALLENGE_TTL_SECONDS });
  let challenge = challenges.issue();

  const showData = () => renderDataAge($('data-age'), dataAge(data, config, new Date()));
  let asked: RequestedCredential = renderRequestForm(
    $<HTMLSelectElement>('request-type'),
    $('request-fields'),
    config.request ?? {},
    config.request?.reason ?? DEFAULT_REASON,
    (next) => {
      asked = next;
      showChallenge();
    },
  );
  const showChallenge = () => {
    const request = presentationRequest(asked, challenge, domain);
    $('challenge').textContent = challenge;
    $('domain').textContent = domain;
    $('request').textContent = JSON.stringify(request);
    try {
      drawRequestQr($<HTMLCanvasElement>('request-qr'), request);
      $('request-error').textContent = '';
    } catch (error) {
      // QR_TOO_LARGE: more than one QR can carry; the officer asks for fewer fields.
      $('request-error').textContent = `${findVneidError(error)?.code ?? 'ERROR'}: ${(error as Error).message}`;
    }
  };
  showData();
  showChallenge();

  const screen = (name: 'scan' | 'result') => {
    $('scan-screen').hidden = name !== 'scan';
    $('result-screen').hidden = name !== 'result';
  };

  const showProgress = (step?: { received: number; count: number; missing: number[] }) => {
    const p = $('progress');
    if (!step) {
      p.hidden = true;
      p.textContent = '';
      delete p.dataset.received;
      delete p.dataset.count;
      return;
    }
    p.hidden = false;
    p.dataset.received = String(step.received);
    p.dataset.count = String(step.count);
    const missing = step.missing.map((i) => i + 1).join(', ');
    p.textContent =
      `Đã đọc phần ${step.received} / ${step.count} — part ${step.received} of ${step.count}. ` +
      `Quét phần còn lại / Scan the remaining part(s): ${missing}`;
  };

  const refuse = (code: string, message: string) => {
    showProgress(undefined);
    screen('result');
    renderRefused($('result'), code, message);
    body.dataset.state = 'result';
  };

  const verify = async (presentation: unknown) => {
    const result = $('result');
    showProgress(undefined);
    screen('result');
    body.dataset.state = 'verifying';
    try {
      const age = dataAge(data, config, new Date());
      const started = performance.now();
      const report = await verifyPresentation(presentation, {
        bundle: data.loaded,
        statusCache: data.cache,
        now: new Date(),
        challenge,
        domain,
        challengeStore: challenges,
        // The request the QR showed: every field asked for must be disclosed (requestSatisfied).
        request: presentationRequest(asked, challenge, domain),
        ...(config.statusMaxAgeSeconds !== undefined ? { statusMaxAgeSeconds: config.statusMaxAgeSeconds } : {}),
        ...(config.bundleMaxAgeSeconds !== undefined ? { bundleMaxAgeSeconds: config.bundleMaxAgeSeconds } : {}),
      });
      renderReport(result, report, verdictOf(report, age.stale), performance.now() - started);
    } finally {
      // A challenge answers one presentation: the next holder gets a new one.
      challenge = challenges.issue();
      showChallenge();
      body.dataset.state = 'result';
    }
  };

  /** Shows a checked OpenID4VP answer; `code` (e.g. CLIENT_ID_MISMATCH) leads the codes when it was refused. */
  const showReport = (report: VerificationReport, ms: number, code?: string) => {
    const result = $('result');
    renderReport(result, report, verdictOf(report, dataAge(data, config, new Date()).stale), ms);
    if (code) {
      result.dataset.code = code;
      const codes = $('codes');
      const rest = (codes.textContent ?? '').split(' · ').filter((c) => c && c !== code);
      codes.textContent = [code, ...rest].join(' · ');
    }
    body.dataset.state = 'result';
  };

  // OpenID4VP: one outstanding request at a time, polled at the relay until answered or expired.
  const oid4vp = config.oid4vp;
  const key = oid4vp ? await requestKey(store) : undefined;
  let pending: PageAuthorizationRequest | undefined;
  let polling: ReturnType<typeof setTimeout> | undefined;
  const oidState = (state: string, text: string) => {
    $('oid4vp-state').dataset.state = state;
    $('oid4vp-state').textContent = text;
  };
  const stopOid4vp = async () => {
    clearTimeout(polling);
    const was = pending;
    pending = undefined;
    $('oid4vp-qr').hidden = true;
    $('oid4vp-link').hidden = true;
    delete $('oid4vp-qr').dataset.link;
    delete body.dataset.oid4vp;
    await was?.cancel();
  };
  const answered = async (request: PageAuthorizationRequest, form: Record<string, string>) => {
    await stopOid4vp();
    showProgress(undefined);
    screen('result');
    body.dataset.state = 'verifying';
    oidState('idle', '');
    if (form.error !== undefined && form.state === request.binding.state) {
      refuse('PRESENTATION_REFUSED', 'Công dân đã từ chối / The citizen declined');
      return;
    }
    try {
      const started = performance.now();
      const verdict = await verifyAuthorizationResponse(form, {
        request: request.binding,
        bundle: data.loaded,
        statusCache: data.cache,
        now: new Date(),
        challengeStore: challenges,
        ...(config.statusMaxAgeSeconds !== undefined ? { statusMaxAgeSeconds: config.statusMaxAgeSeconds } : {}),
        ...(config.bundleMaxAgeSeconds !== undefined ? { bundleMaxAgeSeconds: config.bundleMaxAgeSeconds } : {}),
      });
      showReport(verdict.report, performance.now() - started, verdict.code);
    } catch (error) {
      // A malformed answer (another state, not a DCQL vp_token, unsafe JSON): refused before any verification.
      refuse(findVneidError(error)?.code ?? 'AUTHORIZATION_RESPONSE_INVALID', (error as Error).message);
    }
  };
  const poll = async (request: PageAuthorizationRequest) => {
    if (pending !== request) return;
    let form: Record<string, string> | undefined;
    try {
      form = await request.poll();
    } catch (error) {
      if (error instanceof TypeError) {
        // The network came and went: the answer waits at the relay until the request expires.
        polling = setTimeout(() => poll(request), POLL_MS);
        return;
      }
      await stopOid4vp();
      oidState(
        'error',
        `${findVneidError(error)?.code ?? 'AUTHORIZATION_REQUEST_UNKNOWN'}: ${(error as Error).message}`,
      );
      return;
    }
    if (pending !== request) return;
    if (form) {
      await answered(request, form);
      return;
    }
    if (Date.now() >= request.expiresAt) {
      await stopOid4vp();
      oidState('error', 'AUTHORIZATION_REQUEST_EXPIRED: Yêu cầu đã hết hạn / The request expired');
      return;
    }
    polling = setTimeout(() => poll(request), POLL_MS);
  };
  const startOid4vp = async () => {
    if (!oid4vp || !key) return;
    await stopOid4vp();
    oidState('opening', '');
    try {
      const registration = data.loaded.bundle.relyingParties?.find((r) => r.id === oid4vp.clientId);
      if (!registration?.requestKeys?.includes(key.thumbprint)) {
        throw new VneidError(
          'RELYING_PARTY_NOT_REGISTERED',
          `the trust bundle does not register this page's request key for ${oid4vp.clientId}`,
        );
      }
      // The registration check of every request builder: only fields the relying party is registered for.
      buildPresentationRequest({
        bundle: data.loaded,
        verifier: oid4vp.clientId,
        challenge: 'registration-check',
        queries: [asked],
      });
      const request = await openAuthorizationRequest({
        relay: new URL(oid4vp.relay ?? 'oid4vp/', location.href),
        clientId: oid4vp.clientId,
        clientName: registration.name.en,
        key,
        nonce: challenges.issue(),
        queries: [asked],
        ttlSeconds: oid4vp.ttlSeconds ?? CHALLENGE_TTL_SECONDS,
      });
      pending = request;
      const qr = $<HTMLCanvasElement>('oid4vp-qr');
      drawQr(qr, new TextEncoder().encode(request.link));
      qr.dataset.link = request.link;
      qr.hidden = false;
      const link = $<HTMLAnchorElement>('oid4vp-link');
      link.href = request.link;
      link.hidden = false;
      body.dataset.oid4vp = 'waiting';
      oidState('waiting', 'Đang chờ ví trả lời / Waiting for the wallet');
      polling = setTimeout(() => poll(request), POLL_MS);
    } catch (error) {
      oidState('error', `${findVneidError(error)?.code ?? 'OID4VC_PROTOCOL_ERROR'}: ${(error as Error).message}`);
    }
  };
  if (oid4vp && key) {
    $('oid4vp').hidden = false;
    $('oid4vp-client').textContent = oid4vp.clientId;
    $('oid4vp-key').textContent = key.thumbprint;
    $('oid4vp-start').addEventListener('click', startOid4vp);
  }

  // Parts chosen as files add up across choices; the camera has its own sequence per session.
  const files = createPresentationSequence();
  /**
   * One payload read from a QR or pasted: a part of the offline transport
   * goes to its sequence (the page waits for the rest), anything else is
   * decoded at once. Answers whether a result screen is shown.
   */
  const handle = async (payload: QrPayload, sequence: PresentationSequence): Promise<boolean> => {
    let presentation: unknown;
    try {
      if (payload instanceof Uint8Array && isQrFrame(payload)) {
        const step = await sequence.add(payload);
        if (step.state === 'partial') {
          // The state turns `partial` only once the caller has read all it had (several files at once).
          showProgress(step);
          return false;
        }
        presentation = step.presentation;
      } else {
        if (sequence.received > 0) {
          sequence.reset();
          throw new VneidError('QR_PARTS_MIXED', 'not a part of the presentation being scanned');
        }
        presentation = decodePayload(payload);
      }
    } catch (error) {
      refuse(findVneidError(error)?.code ?? 'MALFORMED_VALUE_ERROR', (error as Error).message);
      return true;
    }
    await verify(presentation);
    return true;
  };

  $<HTMLInputElement>('qr-file').addEventListener('change', async (event) => {
    const input = event.target as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    // Cleared before reading, so that choosing the same file again is a change.
    input.value = '';
    body.dataset.state = 'reading';
    for (const file of chosen) {
      const payload = await readQrFromFile(file).catch((error) => {
        console.warn('QR image', error);
        return undefined;
      });
      if (payload === undefined) {
        files.reset();
        refuse('QR_NOT_FOUND', 'No QR code in the image / Không tìm thấy mã QR trong ảnh');
        return;
      }
      if (await handle(payload, files)) return;
    }
    body.dataset.state = 'partial';
  });
  $('verify-pasted').addEventListener('click', () => handle($<HTMLTextAreaElement>('pasted').value, files));
  let scanning: AbortController | undefined;
  $('camera').addEventListener('click', async () => {
    if (scanning) {
      scanning.abort();
      return;
    }
    scanning = new AbortController();
    const video = $<HTMLVideoElement>('video');
    video.hidden = false;
    const sequence = createPresentationSequence({ ignoreRepeats: true });
    try {
      await scanCamera(video, scanning.signal, async (payload) => {
        const done = await handle(payload, sequence);
        if (!done) body.dataset.state = 'partial';
        return done;
      });
    } catch (error) {
      $('camera-error').textContent = (error as Error).message;
    } finally {
      video.hidden = true;
      scanning = undefined;
      if (body.dataset.state === 'partial') {
        showProgress(undefined);
        body.dataset.state = 'ready';
      }
    }
  });
  $('back').addEventListener('click', () => {
    files.reset();
    showProgress(undefined);
    screen('scan');
    showData();
    body.dataset.state = 'ready';
  });
  $('refresh').addEventListener('click', async () => {
    body.dataset.state = 'loading';
    data = await loadTrustData(config, store, new Date());
    showData();
    body.dataset.state = 'ready';
  });
  setInterval(showData, 30_000);
  body.dataset.state = 'ready';
}

start().catch((error) => {
  document.body.dataset.state = 'error';
  $('fatal').textContent = `${(error as Error).message}`;
});
