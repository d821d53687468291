// Applicant capture page: ID card photo -> selfie video -> upload with progress -> live status until a decision.
// The upload token arrives in the URL fragment (never sent to servers or logs), is kept in sessionStorage for
// reloads, and is sent as a Bearer token; it only works for this one session.
/* global performance, navigator, sessionStorage, history, location, MediaRecorder, XMLHttpRequest, Blob, clearTimeout, URLSearchParams */
import { UPLOAD_PROBLEMS, explainReason, isRetakeable } from './messages.js';
import { withWebmDuration } from './webm-duration.js';

const RECORD_SECONDS = 4;
const COUNTDOWN_SECONDS = 3;
const POLL_MS = 1500;
const WAITING = ['awaiting_files', 'processing'];

const $ = (id) => document.getElementById(id);

const state = {
  sessionId: null,
  token: null,
  uploaded: { id_image: false, selfie_video: false },
  idFile: null,
  selfieBlob: null,
  stream: null,
  recorder: null,
};

// ---------- views ----------
const VIEWS = ['view-loading', 'view-nolink', 'view-id', 'view-selfie', 'view-status'];
const STEP_OF_VIEW = { 'view-id': 'id', 'view-selfie': 'selfie', 'view-status': 'result' };

function show(view) {
  for (const v of VIEWS) $(v).hidden = v !== view;
  const current = STEP_OF_VIEW[view];
  const order = ['id', 'selfie', 'result'];
  for (const li of document.querySelectorAll('.steps li')) {
    const step = li.dataset.step;
    if (step === current) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
    const done =
      (step === 'id' && state.uploaded.id_image) ||
      (step === 'selfie' && state.uploaded.selfie_video) ||
      order.indexOf(step) < order.indexOf(current);
    li.classList.toggle('done', done && step !== current);
  }
  const heading = $(view).querySelector('h2');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

function showProblem(code, message, onRetry) {
  const known = UPLOAD_PROBLEMS[code];
  $('problem-title').textContent = known ? known.title : 'Something went wrong';
  $('problem-text').textContent = known ? known.text : message || 'Please try again.';
  const retry = $('problem-retry');
  retry.hidden = !(onRetry && (known ? known.retake : true));
  retry.onclick = () => {
    clearProblem();
    onRetry();
  };
  $('problem').hidden = false;
}

function clearProblem() {
  $('problem').hidden = true;
}

// ---------- API ----------
class ApiProblem extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function problemFrom(status, text) {
  try {
    const body = JSON.parse(text);
    if (body && body.error) return new ApiProblem(body.error.code, body.error.message, status);
  } catch {
    // not JSON: fall through
  }
  return new ApiProblem(
    status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_' + status,
    text || 'HTTP ' + status,
    status,
  );
}

async function getSession() {
  let res;
  try {
    res = await fetch('/v1/sessions/' + encodeURIComponent(state.sessionId), {
      headers: { authorization: 'Bearer ' + state.token },
      cache: 'no-store',
    });
  } catch {
    throw new ApiProblem('NETWORK', 'network error', 0);
  }
  const text = await res.text();
  if (!res.ok) throw problemFrom(res.status, text);
  return JSON.parse(text);
}

/** XMLHttpRequest rather than fetch: it reports upload progress. */
function uploadFile(kind, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', '/v1/sessions/' + encodeURIComponent(state.sessionId) + '/files/' + kind);
    xhr.setRequestHeader('authorization', 'Bearer ' + state.token);
    xhr.setRequestHeader('content-type', body.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(problemFrom(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiProblem('NETWORK', 'network error', 0));
    xhr.onabort = () => reject(new ApiProblem('UPLOAD_ABORTED', 'upload aborted', 0));
    xhr.send(body);
  });
}

/** Network blips are retried quietly: an upload's id derives from its digest, so a repeat is a no-op. */
async function uploadWithRetry(kind, body, progressEl) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFile(kind, body, (p) => (progressEl.value = p));
    } catch (err) {
      if (err.code !== 'NETWORK' || attempt >= 3) throw err;
      await sleep(1000 * attempt);
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function filesOf(session) {
  const files = session.files;
  if (Array.isArray(files)) return new Set(files.map((f) => f.kind));
  if (files && typeof files === 'object') return new Set(Object.keys(files).filter((k) => files[k]));
  return new Set();
}

// ---------- start ----------
function readLink() {
  const match = /^\/capture\/([A-Za-z0-9_-]+)\/?$/.exec(location.pathname);
  if (!match) return null;
  const sessionId = match[1];
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromHash = fragment.get('token');
  const key = 'kyc-upload-token:' + sessionId;
  if (fromHash) {
    sessionStorage.setItem(key, fromHash);
    // Drop the token from the address bar so it is not copied, bookmarked or screenshotted.
    history.replaceState(null, '', location.pathname);
  }
  const token = fromHash || sessionStorage.getItem(key);
  return token ? { sessionId, token } : null;
}

async function start() {
  const link = readLink();
  if (!link) {
    show('view-nolink');
    return;
  }
  state.sessionId = link.sessionId;
  state.token = link.token;
  $('status-session').textContent = state.sessionId;
  let session;
  try {
    session = await getSession();
  } catch (err) {
    show('view-nolink');
    showProblem(err.code, err.message, err.code === 'NETWORK' ? start : null);
    return;
  }
  const present = filesOf(session);
  state.uploaded.id_image = present.has('id_image');
  state.uploaded.selfie_video = present.has('selfie_video');
  route(session);
}

/** Picks the view for a session's state: the first missing file, else the status. */
function route(session) {
  if (session.status === 'awaiting_files' && !state.uploaded.id_image) return show('view-id');
  if (session.status === 'awaiting_files' && !state.uploaded.selfie_video) return show('view-selfie');
  showStatus(session);
  // Opened (or reloaded) while the photos are being checked: follow the session to its decision.
  if (WAITING.includes(session.status)) void poll();
}

// ---------- ID card ----------
function pickedIdFile(input) {
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  clearProblem();
  state.idFile = file;
  const url = URL.createObjectURL(file);
  const img = $('id-preview');
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  img.dataset.url = url;
  img.src = url;
  $('id-choose').hidden = true;
  $('id-review').hidden = false;
}

function retakeId() {
  state.idFile = null;
  $('id-review').hidden = true;
  $('id-upload').hidden = true;
  $('id-choose').hidden = false;
}

async function useId() {
  if (!state.idFile) return;
  $('id-review').hidden = true;
  $('id-upload').hidden = false;
  $('id-progress').value = 0;
  try {
    await uploadWithRetry('id_image', state.idFile, $('id-progress'));
  } catch (err) {
    handleUploadError(err, retakeId);
    return;
  }
  state.uploaded.id_image = true;
  $('id-upload').hidden = true;
  $('id-choose').hidden = false;
  afterUpload();
}

// ---------- selfie video ----------
function pickMimeType() {
  const candidates = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm', 'video/mp4'];
  return candidates.find((t) => MediaRecorder.isTypeSupported(t)) || '';
}

async function openCamera() {
  clearProblem();
  if (
    !navigator.mediaDevices ||
    !navigator.mediaDevices.getUserMedia ||
    typeof MediaRecorder === 'undefined'
  ) {
    showProblem('CAMERA', '', null);
    $('problem-title').textContent = 'Your browser cannot record video here';
    $('problem-text').textContent =
      'Choose a video file instead: record a 4-second selfie with your camera app.';
    return;
  }
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false,
    });
  } catch (err) {
    const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
    showProblem('CAMERA', '', openCamera);
    $('problem-title').textContent = denied ? 'Camera access was blocked' : 'We could not start your camera';
    $('problem-text').textContent = denied
      ? 'Allow camera access for this page in your browser settings, or choose a video file instead.'
      : 'Close other apps that use the camera and try again, or choose a video file instead.';
    return;
  }
  $('camera-video').srcObject = state.stream;
  $('camera').hidden = false;
  $('selfie-start').hidden = true;
  $('selfie-record').hidden = false;
  $('record').disabled = false;
  guideLight();
}

function closeCamera() {
  if (state.stream) for (const track of state.stream.getTracks()) track.stop();
  state.stream = null;
  $('camera').hidden = true;
  $('camera').classList.remove('recording');
  $('selfie-record').hidden = true;
  $('selfie-start').hidden = false;
}

/** Live guidance: a dark picture is the most common reason for a failed selfie, and easy to fix before recording. */
function guideLight() {
  const video = $('camera-video');
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const tick = () => {
    if (!state.stream) return;
    if (!state.recorder && video.readyState >= 2) {
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4)
        sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      const luma = sum / (data.length / 4);
      $('camera-guide').textContent =
        luma < 45
          ? 'It is too dark: face a window or a lamp'
          : 'Place your face in the oval, then press Record';
    }
    setTimeout(tick, 700);
  };
  tick();
}

async function record() {
  if (!state.stream) return;
  $('record').disabled = true;
  const countdown = $('camera-countdown');
  countdown.hidden = false;
  for (let n = COUNTDOWN_SECONDS; n > 0; n--) {
    countdown.textContent = String(n);
    $('camera-guide').textContent = 'Get ready: recording starts in ' + n;
    await sleep(1000);
  }
  countdown.hidden = true;
  const mimeType = pickMimeType();
  const chunks = [];
  const recorder = new MediaRecorder(
    state.stream,
    mimeType ? { mimeType, videoBitsPerSecond: 1_500_000 } : {},
  );
  state.recorder = recorder;
  recorder.ondataavailable = (e) => {
    if (e.data && e.data.size > 0) chunks.push(e.data);
  };
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start(250);
  const startedAt = performance.now();
  $('camera').classList.add('recording');
  $('camera-rec').hidden = false;
  for (let left = RECORD_SECONDS; left > 0; left--) {
    $('camera-remaining').textContent = left + ' s';
    $('camera-guide').textContent =
      left > RECORD_SECONDS / 2
        ? 'Slowly turn your head a little to the left'
        : 'Now slowly a little to the right';
    await sleep(1000);
  }
  recorder.stop();
  await stopped;
  const elapsedMs = performance.now() - startedAt;
  state.recorder = null;
  $('camera-rec').hidden = true;
  const type = (recorder.mimeType || mimeType || 'video/webm').split(';')[0];
  closeCamera();
  const raw = new Blob(chunks, { type });
  reviewSelfie(type === 'video/webm' ? await withWebmDuration(raw, elapsedMs) : raw);
}

function reviewSelfie(blob) {
  state.selfieBlob = blob;
  const video = $('selfie-preview');
  if (video.dataset.url) URL.revokeObjectURL(video.dataset.url);
  const url = URL.createObjectURL(blob);
  video.dataset.url = url;
  video.src = url;
  $('selfie-start').hidden = true;
  $('selfie-review').hidden = false;
}

function pickedSelfieFile(input) {
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  clearProblem();
  closeCamera();
  reviewSelfie(file);
}

function retakeSelfie() {
  state.selfieBlob = null;
  $('selfie-review').hidden = true;
  $('selfie-upload').hidden = true;
  $('selfie-start').hidden = false;
}

async function useSelfie() {
  if (!state.selfieBlob) return;
  $('selfie-review').hidden = true;
  $('selfie-upload').hidden = false;
  $('selfie-progress').value = 0;
  try {
    await uploadWithRetry('selfie_video', state.selfieBlob, $('selfie-progress'));
  } catch (err) {
    handleUploadError(err, retakeSelfie);
    return;
  }
  state.uploaded.selfie_video = true;
  $('selfie-upload').hidden = true;
  afterUpload();
}

// ---------- after uploads ----------
function handleUploadError(err, retake) {
  const closed = ['PROCESSING_STARTED', 'SESSION_CLOSED', 'SESSION_EXPIRED'];
  if (closed.includes(err.code)) {
    void refreshAndRoute();
    return;
  }
  showProblem(err.code, err.message, retake);
  if (!(UPLOAD_PROBLEMS[err.code] && UPLOAD_PROBLEMS[err.code].retake === false)) return;
  show('view-nolink');
}

async function refreshAndRoute() {
  try {
    route(await getSession());
  } catch (err) {
    showProblem(err.code, err.message, refreshAndRoute);
  }
}

function afterUpload() {
  if (!state.uploaded.id_image) return show('view-id');
  if (!state.uploaded.selfie_video) return show('view-selfie');
  showStatus({ status: 'processing', decision: null });
  void poll();
}

let pollTimer = null;

async function poll() {
  clearTimeout(pollTimer);
  let delay = POLL_MS;
  try {
    const session = await getSession();
    showStatus(session);
    if (!WAITING.includes(session.status)) return;
  } catch (err) {
    if (err.code === 'UNAUTHORIZED' || err.code === 'SESSION_NOT_FOUND') {
      showProblem(err.code, err.message, null);
      return;
    }
    delay = POLL_MS * 4; // the server or network is struggling: ask less often
  }
  pollTimer = setTimeout(poll, delay);
}

// Icons are plain glyphs every system font has (no emoji font on many Linux machines), coloured by CSS.
const STATUS_TEXT = {
  awaiting_files: [
    '…',
    'wait',
    'Waiting for your photos',
    'We need both your ID card photo and your selfie video.',
  ],
  processing: [
    null,
    'wait',
    'Checking your photos…',
    'This usually takes less than a minute. Please keep this page open.',
  ],
  needs_review: [
    '⋯',
    'warn',
    'A person will check your photos',
    'Thank you. Our team reviews some verifications by hand; you do not need to do anything else. You can close this page.',
  ],
  approved: [
    '✓',
    'ok',
    'You are verified',
    'Thank you. Your identity has been confirmed; you can close this page.',
  ],
  declined: ['✕', 'bad', 'We could not verify you', ''],
  expired: [
    '!',
    'warn',
    'This link has expired',
    'Both files must arrive in time. Ask the company that sent the link for a new one.',
  ],
  canceled: [
    '✕',
    'wait',
    'This verification was canceled',
    'Ask the company that sent the link if you think this is a mistake.',
  ],
  failed: [
    '!',
    'bad',
    'Something went wrong on our side',
    'Your photos were received but could not be checked. Please try again later.',
  ],
};

function showStatus(session) {
  if (session.status === 'awaiting_files' && session.id) {
    const present = filesOf(session);
    state.uploaded.id_image = present.has('id_image');
    state.uploaded.selfie_video = present.has('selfie_video');
    if (!state.uploaded.id_image || !state.uploaded.selfie_video) return route(session);
  }
  const [icon, tone, title, text] = STATUS_TEXT[session.status] || STATUS_TEXT.processing;
  const spinning = icon === null || (session.status === 'awaiting_files' && state.uploaded.selfie_video);
  $('status-icon').textContent = spinning ? '' : icon;
  $('status-icon').className = 'status-icon ' + tone;
  $('status-icon').hidden = spinning;
  $('status-spinner').hidden = !spinning;
  $('status-heading').textContent = spinning ? 'Checking your photos…' : title;
  $('status-text').textContent = spinning ? STATUS_TEXT.processing[3] : text;
  $('view-status').dataset.status = session.status;
  renderReasons(session);
  if ($('view-status').hidden) show('view-status');
  const result = document.querySelector('.steps li[data-step="result"]');
  result.classList.toggle('done', !WAITING.includes(session.status));
}

function renderReasons(session) {
  const decision = session.decision;
  const reasons =
    session.status === 'declined' && decision && Array.isArray(decision.reasons) ? decision.reasons : [];
  if (session.status === 'declined' && session.error && session.error.code && reasons.length === 0) {
    reasons.push(session.error.code);
  }
  const list = $('status-reason-list');
  list.replaceChildren(
    ...[...new Set(reasons.map(explainReason))].map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
  $('status-reasons').hidden = reasons.length === 0;
  if (session.status === 'declined') {
    // The session is closed: a retake needs a new link from the tenant, so say so plainly.
    $('status-text').textContent = reasons.some(isRetakeable)
      ? 'Ask the company that sent you this link for a new one, then try again with the tips below in mind.'
      : 'If you think this is a mistake, contact the company that sent you this link.';
  }
}

// ---------- wiring ----------
function wire() {
  $('id-take').onclick = () => $('id-camera').click();
  $('id-pick').onclick = () => $('id-file').click();
  $('id-camera').onchange = (e) => pickedIdFile(e.target);
  $('id-file').onchange = (e) => pickedIdFile(e.target);
  $('id-use').onclick = () => void useId();
  $('id-retake').onclick = retakeId;
  $('camera-open').onclick = () => void openCamera();
  $('camera-close').onclick = closeCamera;
  $('record').onclick = () => void record();
  $('selfie-pick').onclick = () => $('selfie-file').click();
  $('selfie-file').onchange = (e) => pickedSelfieFile(e.target);
  $('selfie-use').onclick = () => void useSelfie();
  $('selfie-retake').onclick = retakeSelfie;
}

// Exposed for tests and for embedding pages that want to observe the flow.
window.kycCapture = { state };

wire();
void start();
