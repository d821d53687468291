// Operator console: sign in (HttpOnly cookie set by the API), list sessions with filters and paging, open a session
// with its media, decision, Temporal timeline, inference ledger and webhook deliveries, and review needs_review.
/* global location, clearTimeout, FormData, URLSearchParams, Node */
import { explainReason } from './messages.js';

const PAGE_SIZE = 20;
const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);

// ---------- small DOM helpers (textContent only: nothing from the API is ever parsed as HTML) ----------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const fmtTime = (iso) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—';
const fmtNum = (v, digits = 3) => (typeof v === 'number' ? v.toFixed(digits) : '—');
const badge = (status) => el('span', { class: 'badge ' + status, text: status.replace('_', ' ') });
const shaOfKey = (key) => (typeof key === 'string' ? key.split('/').pop() : null);

function facts(dl, rows) {
  dl.replaceChildren(
    ...rows.filter(Boolean).flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v ?? '—')]),
  );
}

function flash(message) {
  $('flash').textContent = message;
  $('flash').hidden = !message;
}

// ---------- API ----------
class ApiProblem extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data && data.error) || {};
    throw new ApiProblem(res.status, err.code || 'HTTP_' + res.status, err.message || res.statusText);
  }
  return data;
}

// ---------- views ----------
const VIEWS = ['view-signin', 'view-list', 'view-session'];
function show(view) {
  for (const v of VIEWS) $(v).hidden = v !== view;
}

let refreshTimer = null;
function stopRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = null;
}

async function guarded(fn) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) return showSignin();
    flash(err.message || String(err));
  }
}

// ---------- sign-in ----------
function showSignin() {
  stopRefresh();
  $('who').hidden = true;
  show('view-signin');
  $('username').focus();
}

async function signIn(event) {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  const error = $('signin-error');
  error.hidden = true;
  if (!username || !password) {
    error.textContent = 'Enter your username and password.';
    error.hidden = false;
    return;
  }
  try {
    const me = await api('POST', '/v1/operator/login', { username, password });
    $('password').value = '';
    signedIn(me.username);
    void route();
  } catch (err) {
    error.textContent = err.code === 'INVALID_CREDENTIALS' ? 'Wrong username or password.' : err.message;
    error.hidden = false;
  }
}

function signedIn(username) {
  $('who-name').textContent = username;
  $('who').hidden = false;
}

async function signOut() {
  await api('POST', '/v1/operator/logout').catch(() => null);
  showSignin();
}

// ---------- routing: #/?status=..&q=..  and  #/sessions/<id> ----------
function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [p, query = ''] = hash.split('?');
  const m = /^\/sessions\/([A-Za-z0-9_-]+)$/.exec(p);
  return m ? { view: 'session', id: m[1] } : { view: 'list', params: new URLSearchParams(query) };
}

async function route() {
  flash('');
  stopRefresh();
  const r = parseHash();
  if (r.view === 'session') return guarded(() => openSession(r.id));
  return guarded(() => openList(r.params));
}

// ---------- list ----------
const paging = { cursors: [], key: '' };

async function openList(params) {
  const status = params.get('status') || '';
  const q = params.get('q') || '';
  const key = status + '|' + q;
  if (paging.key !== key) paging.cursors = [];
  paging.key = key;
  $('filter-status').value = status;
  $('filter-q').value = q;
  const cursor = paging.cursors[paging.cursors.length - 1];
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (status) query.set('status', status);
  if (q) query.set('q', q);
  if (cursor) query.set('cursor', cursor);
  const page = await api('GET', '/v1/operator/sessions?' + query);
  renderList(page);
  show('view-list');
}

function renderList(page) {
  const rows = page.items.map((s) => {
    const d = s.decision;
    const link = el('a', { href: '#/sessions/' + s.id, class: 'mono', text: s.id });
    return el(
      'tr',
      {},
      el('td', {}, link),
      el('td', {}, badge(s.status)),
      el('td', { text: d ? fmtNum(d.similarity) : '—' }),
      el('td', { class: 'small', text: d && d.reasons.length ? d.reasons.join(', ') : '' }),
      el('td', { text: s.reference || '' }),
      el('td', { class: 'small', text: fmtTime(s.createdAt) }),
    );
  });
  $('list-body').replaceChildren(...rows);
  $('list-empty').hidden = rows.length > 0;
  $('page-info').textContent = 'Page ' + (paging.cursors.length + 1);
  $('page-first').disabled = paging.cursors.length === 0;
  const next = $('page-next');
  next.disabled = !page.nextCursor;
  next.onclick = () => {
    paging.cursors.push(page.nextCursor);
    void guarded(() => openList(parseHash().params || new URLSearchParams()));
  };
}

function applyFilters(event) {
  event.preventDefault();
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const [k, v] of form) if (String(v).trim()) params.set(k, String(v).trim());
  paging.cursors = [];
  const target = '#/?' + params;
  if (location.hash === target) void route();
  else location.hash = target;
}

// ---------- session ----------
async function openSession(id) {
  const [session, timeline] = await Promise.all([
    api('GET', '/v1/operator/sessions/' + encodeURIComponent(id)),
    api('GET', '/v1/operator/sessions/' + encodeURIComponent(id) + '/timeline').catch((err) => ({
      error: err,
    })),
  ]);
  renderSession(session, timeline);
  show('view-session');
  // Follow a session that is still moving, so the operator sees its outcome without reloading.
  if (['awaiting_files', 'processing'].includes(session.status)) {
    refreshTimer = setTimeout(() => void guarded(() => openSession(id)), REFRESH_MS);
  }
}

function renderSession(s, timeline) {
  $('s-id').textContent = s.id;
  $('s-status').replaceWith(Object.assign(badge(s.status), { id: 's-status' }));
  const temporal = $('s-temporal');
  const uiUrl = s.temporalUiUrl || (timeline && timeline.temporalUiUrl);
  temporal.hidden = !uiUrl;
  if (uiUrl) temporal.href = uiUrl;
  renderMedia(s);
  renderDecision(s);
  renderReview(s);
  renderTimeline(timeline);
  renderLedger(s);
  renderWebhooks(s);
}

function blobUrl(sha) {
  return '/v1/operator/blobs/' + sha;
}

function renderMedia(s) {
  const figures = [];
  const files = s.files || {};
  if (files.id_image) {
    figures.push(
      el(
        'figure',
        {},
        el('img', { src: blobUrl(files.id_image.sha256), alt: 'ID image', loading: 'lazy' }),
        el('figcaption', { text: 'ID image' }),
      ),
    );
  }
  const match = (s.faceMatches || []).find((m) => m.result) || null;
  const frames = match && match.result.bestFrameKeys ? match.result.bestFrameKeys : [];
  frames.forEach((key, i) => {
    const sha = shaOfKey(key);
    if (!sha) return;
    figures.push(
      el(
        'figure',
        {},
        el('img', { src: blobUrl(sha), alt: 'Best selfie frame ' + (i + 1), loading: 'lazy' }),
        el('figcaption', { text: 'Selfie frame ' + (i + 1) }),
      ),
    );
  });
  if (files.selfie_video) {
    figures.push(
      el(
        'figure',
        {},
        el('video', {
          src: blobUrl(files.selfie_video.sha256),
          controls: true,
          muted: true,
          preload: 'metadata',
          class: 'thumb-video',
          'aria-label': 'Selfie video',
          height: '140',
        }),
        el('figcaption', { text: 'Selfie video' }),
      ),
    );
  }
  $('s-thumbs').replaceChildren(...figures);
  $('s-nomedia').hidden = figures.length > 0;
}

function renderDecision(s) {
  const d = s.decision;
  const l = d && d.liveness;
  const reasons =
    d && d.reasons.length
      ? el(
          'ul',
          {},
          ...d.reasons.map((r) =>
            el('li', {}, el('span', { class: 'mono', text: r }), ' — ', explainReason(r)),
          ),
        )
      : '—';
  facts($('s-facts'), [
    ['Outcome', d ? d.outcome : s.status],
    ['Similarity', d ? fmtNum(d.similarity) : '—'],
    ['Liveness risk', l ? l.risk : '—'],
    l && [
      'Liveness signals',
      `antispoof ${fmtNum(l.antispoof, 2)} · live ${fmtNum(l.live, 2)} · motion ${fmtNum(l.motion, 2)} · consistency ${fmtNum(l.consistency, 2)}`,
    ],
    ['Reason codes', reasons],
    s.error && ['Error', `${s.error.code}: ${s.error.message}`],
    ['Tenant', s.tenantId],
    ['Reference', s.reference || '—'],
    ['Created', fmtTime(s.createdAt)],
    ['Files due by', fmtTime(s.expiresAt)],
    ['Completed', fmtTime(s.completedAt)],
    ['Workflow', el('span', { class: 'mono', text: s.workflowId || '' })],
  ]);
}

function renderReview(s) {
  const pending = s.status === 'needs_review';
  $('review-card').hidden = !pending;
  $('review-error').hidden = true;
  if (pending) $('review-form').dataset.session = s.id;
  const review = s.review || (s.decision && s.decision.review) || null;
  $('audit-card').hidden = !review;
  if (review) {
    facts($('audit'), [
      ['Decision', review.decision === 'approve' ? 'Approved' : 'Declined'],
      ['Reviewer', review.reviewer],
      ['When', fmtTime(review.createdAt || review.decidedAt)],
      ['Comment', review.comment],
    ]);
  }
}

async function submitReview(event) {
  event.preventDefault();
  const decision = event.submitter && event.submitter.dataset.decision;
  const comment = $('review-comment').value.trim();
  const error = $('review-error');
  error.hidden = true;
  if (!decision) return;
  if (!comment) {
    error.textContent = 'Write a comment: it is kept with your decision for the audit.';
    error.hidden = false;
    $('review-comment').focus();
    return;
  }
  const id = $('review-form').dataset.session;
  for (const b of $('review-form').querySelectorAll('button')) b.disabled = true;
  try {
    const session = await api('POST', '/v1/operator/sessions/' + encodeURIComponent(id) + '/review', {
      decision,
      comment,
    });
    $('review-comment').value = '';
    const timeline = await api('GET', '/v1/operator/sessions/' + encodeURIComponent(id) + '/timeline').catch(
      () => null,
    );
    renderSession(session, timeline);
  } catch (err) {
    if (err.status === 401) return showSignin();
    error.textContent =
      err.code === 'REVIEW_NOT_PENDING'
        ? 'This session is no longer waiting for review; reload it.'
        : err.message;
    error.hidden = false;
  } finally {
    for (const b of $('review-form').querySelectorAll('button')) b.disabled = false;
  }
}

function renderTimeline(timeline) {
  const list = $('s-timeline');
  if (!timeline || timeline.error) {
    list.replaceChildren(
      el('li', {
        class: 'failed',
        text:
          'Timeline unavailable: ' + (timeline && timeline.error ? timeline.error.message : 'unknown error'),
      }),
    );
    return;
  }
  if (!timeline.started) {
    list.replaceChildren(el('li', { text: 'The workflow starts with the first upload.' }));
    return;
  }
  list.replaceChildren(
    ...timeline.events.map((e) =>
      el(
        'li',
        { class: e.level === 'error' ? 'failed' : e.level },
        el('time', { datetime: e.time, text: new Date(e.time).toLocaleTimeString() }),
        el('strong', { text: e.title }),
        e.detail ? el('div', { class: 'small muted', text: e.detail }) : null,
      ),
    ),
  );
}

function table(headers, rows) {
  if (rows.length === 0) return el('p', { class: 'muted small', text: 'None.' });
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'kv-table' },
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
    ),
  );
}

function renderLedger(s) {
  const runs = s.inferenceLedger || [];
  const counts = s.inferenceRuns
    ? `Completed inferences: ${s.inferenceRuns.completed} · died: ${s.inferenceRuns.died}`
    : '';
  const matches = (s.faceMatches || []).map((m) =>
    el(
      'p',
      { class: 'small' },
      el('span', { class: 'mono', text: m.idempotencyKey }),
      ` · ${m.status} · pipeline ${m.pipelineVersion} · takeovers ${m.takeovers}`,
    ),
  );
  $('s-ledger').replaceChildren(
    el('p', { class: 'small', text: counts }),
    ...matches,
    table(
      ['Run', 'Worker', 'Attempt', 'Status', 'Duration', 'Started'],
      runs.map((r) => [
        r.id,
        el('span', { class: 'mono', text: r.workerId }),
        r.activityAttempt,
        r.status + (r.error ? ': ' + r.error : ''),
        r.durationMs === null ? '—' : r.durationMs + ' ms',
        fmtTime(r.startedAt),
      ]),
    ),
  );
}

function renderWebhooks(s) {
  const rows = (s.webhookDeliveries || []).map((d) => [
    el('span', { class: 'mono', text: d.eventId }),
    d.attempt,
    d.statusCode === null ? '—' : d.statusCode,
    d.error || 'delivered',
    d.durationMs === null ? '—' : d.durationMs + ' ms',
    fmtTime(d.createdAt),
  ]);
  $('s-webhooks').replaceChildren(table(['Event', 'Attempt', 'HTTP', 'Result', 'Time', 'At'], rows));
}

// ---------- boot ----------
async function boot() {
  $('signin-form').addEventListener('submit', (e) => void signIn(e));
  $('signout').addEventListener('click', () => void signOut());
  $('filters').addEventListener('submit', applyFilters);
  $('review-form').addEventListener('submit', (e) => void submitReview(e));
  $('page-first').addEventListener('click', () => {
    paging.cursors = [];
    void route();
  });
  window.addEventListener('hashchange', () => void route());
  try {
    const me = await api('GET', '/v1/operator/me');
    signedIn(me.username);
    await route();
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) showSignin();
    else flash('The console could not reach the API: ' + err.message);
  }
}

void boot();
