// The web verifier page: loads its configuration and trust data, issues a
// challenge, reads a presentation (camera, QR image, pasted text) and shows
// one result screen per verification. Verification runs here, offline.
import { findVneidError } from '@vneid/core';
import { createChallengeStore, verifyPresentation } from '@vneid/verifier/browser';
import { decodePayload } from './decode-payload.js';
import { openPageStore } from './idb-store.js';
import { readQrFromFile, scanCamera } from './qr-reader.js';
import { dataAge, renderDataAge } from './render-data-age.js';
import { renderRefused, renderReport, verdictOf } from './render-report.js';
import { loadTrustData, type PageConfig, type TrustData } from './trust-data.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const CHALLENGE_TTL_SECONDS = 300;

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
  const showChallenge = () => {
    $('challenge').textContent = challenge;
    $('domain').textContent = domain;
    $('request').textContent = JSON.stringify({ challenge, domain });
  };
  showData();
  showChallenge();

  const screen = (name: 'scan' | 'result') => {
    $('scan-screen').hidden = name !== 'scan';
    $('result-screen').hidden = name !== 'result';
  };

  const verify = async (payload: string | Uint8Array) => {
    const result = $('result');
    screen('result');
    body.dataset.state = 'verifying';
    try {
      let presentation: unknown;
      try {
        presentation = decodePayload(payload);
      } catch (error) {
        const e = findVneidError(error);
        renderRefused(result, e?.code ?? 'MALFORMED_VALUE_ERROR', (error as Error).message);
        return;
      }
      const age = dataAge(data, config, new Date());
      const started = performance.now();
      const report = await verifyPresentation(presentation, {
        bundle: data.loaded,
        statusCache: data.cache,
        now: new Date(),
        challenge,
        domain,
        challengeStore: challenges,
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

  $<HTMLInputElement>('qr-file').addEventListener('change', async (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const payload = await readQrFromFile(file).catch((error) => {
      console.warn('QR image', error);
      return undefined;
    });
    // Cleared after reading, so that choosing the same file again is a change.
    input.value = '';
    if (payload === undefined) {
      screen('result');
      renderRefused($('result'), 'QR_NOT_FOUND', 'No QR code in the image / Không tìm thấy mã QR trong ảnh');
      body.dataset.state = 'result';
      return;
    }
    await verify(payload);
  });
  $('verify-pasted').addEventListener('click', () => verify($<HTMLTextAreaElement>('pasted').value));
  let scanning: AbortController | undefined;
  $('camera').addEventListener('click', async () => {
    if (scanning) {
      scanning.abort();
      return;
    }
    scanning = new AbortController();
    const video = $<HTMLVideoElement>('video');
    video.hidden = false;
    try {
      const payload = await scanCamera(video, scanning.signal);
      if (payload !== undefined) await verify(payload);
    } catch (error) {
      $('camera-error').textContent = (error as Error).message;
    } finally {
      video.hidden = true;
      scanning = undefined;
    }
  });
  $('back').addEventListener('click', () => {
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
