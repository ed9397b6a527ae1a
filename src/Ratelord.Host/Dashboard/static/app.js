// Ratelord dashboard: a read-only view of what the daemon reports. It decides nothing: every number on these
// pages comes from the daemon's HTTP API, and the page follows the daemon's log through server-sent events.
'use strict';

const MAX_DECISIONS = 500;
const STATUS_COLOURS = { ok: '#1a7f37', warn: '#b58100', critical: '#cf222e', unknown: '#6e7781' };
const KIND_COLOURS = { scope: '#8250df', agent: '#0969da', identity: '#1b7c83', pool: '#6e7781', provider: '#24292f' };
const LIVE_TYPES = [
  'intent_submitted', 'intent_decided', 'intent_settled', 'provider_observation', 'forecast_computed',
  'identity_registered', 'identity_deleted', 'policy_updated', 'policy_rejected', 'system_started',
  'provider_configured', 'provider_poll', 'provider_error', 'drift_detected', 'learned_limit_recorded',
];

const store = {
  pools: null,
  vitals: null,
  decisions: [],
  decisionIds: new Set(),
  vitalsSeries: [],
  page: null,
  charts: [],
  refreshTimer: null,
};

// ---------- small helpers ----------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

async function api(path, options) {
  const response = await fetch(path, { headers: { accept: 'application/json' }, ...options });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error((body && (body.detail || body.title)) || `${response.status} ${response.statusText}`);
  }
  return body;
}

function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (!Number.isFinite(seconds)) return '∞';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

function untilNow(iso) {
  return iso ? (Date.parse(iso) - Date.now()) / 1000 : null;
}

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString('en-GB', { hour12: false }) : '–';
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString('en-GB', { hour12: false }) : '–';
}

function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${num(n, i === 0 ? 0 : 1)} ${units[i]}`;
}

function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${value}` }, (value || 'unknown').replaceAll('_', ' '));
}

function poolKey(pool) {
  return typeof pool === 'string' ? pool : `${pool.provider}/${pool.pool}@${pool.owner}`;
}

function poolLink(id) {
  return h('a', { href: `#/pool/${encodeURIComponent(id)}` }, id);
}

function chart(el) {
  const instance = echarts.init(el, null, { renderer: 'canvas' });
  store.charts.push(instance);
  return instance;
}

function clearCharts() {
  for (const c of store.charts) c.dispose();
  store.charts = [];
}

window.addEventListener('resize', () => store.charts.forEach((c) => c.resize()));

// ---------- header: overall health, live stream ----------

async function refreshVitals() {
  try {
    const vitals = await api('/v1/vitals');
    store.vitals = vitals;
    store.vitalsSeries.push(vitals);
    if (store.vitalsSeries.length > 180) store.vitalsSeries.shift();
    const health = document.getElementById('health');
    health.dataset.status = vitals.overall_risk;
    document.getElementById('health-text').textContent =
      `overall ${vitals.overall_risk} · ${Object.entries(vitals.pools_by_status).map(([k, v]) => `${v} ${k}`).join(', ') || 'no pools'}`;
    document.getElementById('daemon').textContent =
      `ratelord-d ${vitals.version} · up ${duration(vitals.uptime_s)} · log #${vitals.last_position} · policy ${vitals.policy_version}`;
    if (store.page === 'health') renderHealthLive();
  } catch (e) {
    const health = document.getElementById('health');
    health.dataset.status = 'down';
    document.getElementById('health-text').textContent = `daemon unreachable: ${e.message}`;
  }
}

function startLive(after) {
  const source = new EventSource(`/v1/events?stream=true&after=${after}`);
  const live = document.getElementById('live');
  source.onopen = () => { live.dataset.live = 'true'; live.textContent = 'live'; };
  source.onerror = () => { live.dataset.live = 'false'; live.textContent = 'reconnecting'; };
  for (const type of LIVE_TYPES) {
    source.addEventListener(type, (message) => onEvent(type, JSON.parse(message.data)));
  }
}

function onEvent(type, event) {
  if (type === 'intent_decided') {
    const p = event.payload;
    addDecision({
      position: event.position,
      at: event.ingest_time,
      intent_id: p.intent_id,
      agent_id: event.agent_id,
      identity_id: event.identity_id,
      workload_id: event.workload_id,
      scope_id: event.scope_id,
      verdict: p.verdict,
      reason: p.reason,
      wait_seconds: p.wait_seconds,
      retry_after_s: p.retry_after_seconds,
      tightest_pool: p.tightest_pool,
      pools: [...new Set((p.reservations || []).map((r) => poolKey(r.pool)))],
    }, true);
  }
  if (['intent_decided', 'intent_settled', 'provider_observation', 'forecast_computed'].includes(type)) {
    scheduleRefresh();
  }
  if ((type.startsWith('identity_') && store.page === 'identities') || (type.startsWith('policy_') && store.page === 'policy')) {
    route();
  }
}

function addDecision(row, fresh) {
  if (store.decisionIds.has(row.intent_id)) return;
  store.decisionIds.add(row.intent_id);
  store.decisions.unshift(row);
  if (store.decisions.length > MAX_DECISIONS) {
    store.decisionIds.delete(store.decisions.pop().intent_id);
  }
  if (store.page === 'decisions') renderDecisionRows(fresh ? row.intent_id : null);
}

// Many events arrive together when agents are busy: redraw what depends on pools at most a few times a second.
function scheduleRefresh() {
  if (store.refreshTimer) return;
  store.refreshTimer = setTimeout(async () => {
    store.refreshTimer = null;
    if (store.page === 'overview') await renderOverview(false);
    if (store.page === 'pool') await renderPool(false);
  }, 250);
}

// ---------- router ----------

function route() {
  const hash = location.hash || '#/';
  const [, page, ...rest] = hash.split('/');
  const name = page || 'overview';
  for (const a of document.querySelectorAll('nav.tabs a')) {
    a.classList.toggle('active', a.dataset.page === name || (name === 'pool' && a.dataset.page === 'overview'));
  }
  store.page = name;
  closeDrawer();
  const pages = {
    overview: () => renderOverview(true),
    pool: () => renderPool(true, decodeURIComponent(rest.join('/'))),
    decisions: renderDecisions,
    graph: renderGraph,
    identities: renderIdentities,
    policy: renderPolicy,
    health: renderHealth,
  };
  (pages[name] || pages.overview)().catch((e) => showError(e));
}

function mount(...children) {
  clearCharts();
  const main = document.getElementById('page');
  main.replaceChildren(...children);
  return main;
}

function showError(e) {
  mount(h('div', { class: 'panel error' }, `The daemon did not answer: ${e.message}`));
}

// ---------- overview ----------

function poolRow(p) {
  const f = p.forecast;
  const share = p.limit ? Math.max(0, Math.min(1, (p.remaining ?? 0) / p.limit)) : 0;
  return h('tr', { class: 'link', dataset: { pool: p.pool_id }, onclick: () => { location.hash = `#/pool/${encodeURIComponent(p.pool_id)}`; } },
    h('td', {}, poolLink(p.pool_id)),
    h('td', { class: 'mono' }, p.identity_id),
    h('td', { class: 'num' },
      h('span', { class: 'bar' }, h('span', { class: p.status, style: `width:${(share * 100).toFixed(1)}%` })),
      `${num(p.remaining)} / ${num(p.limit)}`),
    h('td', { class: 'num' }, num(p.reserved, 2)),
    h('td', { class: 'num' }, num((f.burn_rate.mean || 0) * 60, 2)),
    h('td', { class: 'num' }, duration(f.tte.p50_s)),
    h('td', { class: 'num' }, duration(f.tte.p99_s)),
    h('td', { class: 'num' }, duration(untilNow(p.reset_at))),
    h('td', { class: 'num' }, f.p_exhaustion === null ? '–' : `${num(f.p_exhaustion * 100, 1)}%`),
    h('td', {}, badge('status', p.status), p.status_reason ? h('div', { class: 'muted' }, p.status_reason) : null));
}

async function renderOverview(full) {
  const answer = await api('/v1/pools');
  store.pools = answer.pools;
  if (store.page !== 'overview') return;
  const counts = { ok: 0, warn: 0, critical: 0, unknown: 0 };
  for (const p of answer.pools) counts[p.status] = (counts[p.status] || 0) + 1;
  const v = store.vitals;
  const table = h('table', { id: 'pools-table' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Pool'), h('th', {}, 'Identity'), h('th', { class: 'num' }, 'Remaining / limit'),
      h('th', { class: 'num' }, 'Reserved'), h('th', { class: 'num' }, 'Burn / min'), h('th', { class: 'num' }, 'P50 TTE'),
      h('th', { class: 'num' }, 'P99 TTE'), h('th', { class: 'num' }, 'Reset in'), h('th', { class: 'num' }, 'P(exhaustion)'),
      h('th', {}, 'Status'))),
    h('tbody', {}, answer.pools.length === 0
      ? h('tr', {}, h('td', { colspan: 10, class: 'empty' }, 'No pools yet: they appear when a provider response is observed.'))
      : answer.pools.map(poolRow)));
  const tiles = h('div', { class: 'tiles' },
    tile('Pools', answer.pools.length),
    tile('Ok', counts.ok, 'ok'), tile('Warn', counts.warn, 'warn'), tile('Critical', counts.critical, 'critical'),
    tile('Decisions / min', v ? v.decisions_per_minute : '–'),
    tile('Denial rate', v ? `${num(v.denial_rate * 100, 1)}%` : '–'),
    tile('Decision latency P99', v && v.decision_latency_p99_ms !== null ? `${num(v.decision_latency_p99_ms, 2)} ms` : '–'));
  if (full) {
    mount(h('h1', {}, 'Pools'), tiles, h('div', { class: 'panel' }, table));
  } else {
    const main = document.getElementById('page');
    main.querySelector('.tiles')?.replaceWith(tiles);
    main.querySelector('#pools-table')?.replaceWith(table);
  }
}

function tile(label, value, status) {
  return h('div', { class: 'tile' }, h('div', { class: 'label' }, label),
    h('div', { class: 'value', style: status ? `color:${STATUS_COLOURS[status]}` : null }, value));
}

// ---------- pool detail ----------

async function renderPool(full, poolId) {
  poolId = poolId ?? store.poolId;
  store.poolId = poolId;
  const detail = await api(`/v1/pools/detail?pool_id=${encodeURIComponent(poolId)}`);
  if (store.page !== 'pool' || store.poolId !== poolId) return;
  const p = detail.pool;
  const f = p.forecast;
  const tiles = h('div', { class: 'tiles' },
    tile('Remaining / limit', `${num(p.remaining)} / ${num(p.limit)}`),
    tile('Reserved', num(p.reserved, 2)),
    tile('Available', num(p.available, 2)),
    tile('Burn / min', num((f.burn_rate.mean || 0) * 60, 2)),
    tile('TTE P50 · P90 · P99', `${duration(f.tte.p50_s)} · ${duration(f.tte.p90_s)} · ${duration(f.tte.p99_s)}`),
    tile('Reset in', duration(untilNow(p.reset_at))),
    tile('P(exhaustion)', f.p_exhaustion === null ? '–' : `${num(f.p_exhaustion * 100, 1)}%`),
    tile('Status', p.status, p.status));
  const decisions = decisionTable(detail.decisions, 'pool-decisions');
  if (full || !document.getElementById('pool-chart')) {
    const chartEl = h('div', { id: 'pool-chart', class: 'chart' });
    mount(
      h('h1', {}, poolId, ' ', badge('status', p.status)),
      h('div', { class: 'muted' },
        `model ${f.model} · confidence ${f.confidence}${f.stale ? ' · stale' : ''}`,
        p.status_reason ? ` · ${p.status_reason}` : '',
        detail.identities.length ? ` · identities: ${detail.identities.join(', ')}` : ''),
      tiles,
      h('div', { class: 'panel' }, h('h2', {}, 'Remaining over time, with the forecast cone to the reset'), chartEl),
      h('div', { class: 'panel' }, h('h2', {}, 'Decisions on this pool'), decisions));
    drawPoolChart(chart(chartEl), detail);
  } else {
    const main = document.getElementById('page');
    main.querySelector('.tiles').replaceWith(tiles);
    document.getElementById('pool-decisions').replaceWith(decisions);
    drawPoolChart(store.charts[0], detail);
  }
}

function drawPoolChart(instance, detail) {
  const p = detail.pool;
  const now = detail.as_of;
  const history = detail.history.map((pt) => [pt.at, pt.remaining]);
  if (p.remaining !== null) history.push([now, p.remaining]);
  const limit = detail.history.filter((pt) => pt.limit !== null).map((pt) => [pt.at, pt.limit]);
  if (p.limit !== null) limit.push([detail.cone.length ? detail.cone[detail.cone.length - 1].at : now, p.limit]);
  const cone = detail.cone;
  const marks = [{ xAxis: now, label: { formatter: 'now' }, lineStyle: { color: '#57606a' } }];
  if (detail.reset_at) marks.push({ xAxis: detail.reset_at, label: { formatter: 'reset' }, lineStyle: { color: '#cf222e' } });
  instance.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['remaining', 'limit', 'P50', 'P90', 'P99', 'cone P50–P99'] },
    grid: { left: 56, right: 24, top: 36, bottom: 36 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', min: 0, name: 'units' },
    series: [
      { name: 'remaining', type: 'line', step: 'end', showSymbol: history.length < 40, data: history, lineStyle: { width: 2.5 },
        color: '#0969da', markLine: { symbol: 'none', data: marks, label: { position: 'insideEndTop' } } },
      { name: 'limit', type: 'line', step: 'end', showSymbol: false, data: limit, color: '#8c959f', lineStyle: { type: 'dotted' } },
      { name: 'cone-base', type: 'line', stack: 'cone', showSymbol: false, silent: true, lineStyle: { opacity: 0 },
        data: cone.map((c) => [c.at, c.p99]), tooltip: { show: false } },
      { name: 'cone P50–P99', type: 'line', stack: 'cone', showSymbol: false, silent: true, lineStyle: { opacity: 0 },
        color: '#d4a72c', areaStyle: { color: 'rgba(212,167,44,0.25)' }, data: cone.map((c) => [c.at, c.p50 - c.p99]) },
      { name: 'P50', type: 'line', showSymbol: false, data: cone.map((c) => [c.at, c.p50]), color: '#1a7f37', lineStyle: { type: 'dashed' } },
      { name: 'P90', type: 'line', showSymbol: false, data: cone.map((c) => [c.at, c.p90]), color: '#b58100', lineStyle: { type: 'dashed' } },
      { name: 'P99', type: 'line', showSymbol: false, data: cone.map((c) => [c.at, c.p99]), color: '#cf222e', lineStyle: { type: 'dashed' } },
    ],
  }, true);
}

// ---------- decisions ----------

function decisionTable(rows, id) {
  return h('table', { id },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Time'), h('th', {}, 'Agent'), h('th', {}, 'Identity'), h('th', {}, 'Workload'),
      h('th', {}, 'Verdict'), h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Wait / retry'), h('th', {}, 'Pools'))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No decisions yet.'))
      : rows.map((d) => decisionRow(d, false))));
}

function decisionRow(d, fresh) {
  const wait = d.verdict === 'deny_with_reason' ? d.retry_after_s : d.wait_seconds;
  return h('tr', { class: `link${fresh ? ' fresh' : ''}`, dataset: { intent: d.intent_id, verdict: d.verdict }, onclick: () => explain(d.intent_id) },
    h('td', { class: 'mono' }, clock(d.at)),
    h('td', {}, d.agent_id),
    h('td', { class: 'mono' }, d.identity_id),
    h('td', {}, d.workload_id),
    h('td', {}, badge('verdict', d.verdict)),
    h('td', { class: 'mono' }, d.reason || ''),
    h('td', { class: 'num' }, wait === null || wait === undefined ? '' : duration(wait)),
    h('td', { class: 'mono' }, (d.pools.length ? d.pools : [d.tightest_pool].filter(Boolean)).join(', ')));
}

function filtersOf() {
  const value = (id) => document.getElementById(id)?.value.trim() || '';
  return { agent: value('f-agent'), identity: value('f-identity'), verdict: value('f-verdict'), reason: value('f-reason') };
}

function matches(d, f) {
  return (!f.agent || d.agent_id.includes(f.agent)) && (!f.identity || d.identity_id.includes(f.identity))
    && (!f.verdict || d.verdict === f.verdict) && (!f.reason || (d.reason || '').includes(f.reason));
}

function renderDecisionRows(freshId) {
  const body = document.querySelector('#decisions-table tbody');
  if (!body) return;
  const f = filtersOf();
  const rows = store.decisions.filter((d) => matches(d, f));
  body.replaceChildren(...(rows.length === 0
    ? [h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No decisions match.'))]
    : rows.map((d) => decisionRow(d, d.intent_id === freshId))));
  document.getElementById('decision-count').textContent = `${rows.length} of ${store.decisions.length} recent decisions`;
}

async function renderDecisions() {
  const answer = await api(`/v1/intents?limit=${MAX_DECISIONS}`);
  for (const d of answer.decisions.slice().reverse()) addDecision(d, false);
  store.decisions.sort((a, b) => b.position - a.position);
  const input = (id, placeholder) => h('input', { id, placeholder, oninput: () => renderDecisionRows(null) });
  mount(
    h('h1', {}, 'Decisions'),
    h('div', { class: 'filters' },
      input('f-agent', 'agent'), input('f-identity', 'identity'),
      h('select', { id: 'f-verdict', onchange: () => renderDecisionRows(null) },
        h('option', { value: '' }, 'any verdict'),
        h('option', { value: 'approve' }, 'approve'),
        h('option', { value: 'approve_with_modifications' }, 'approve with modifications'),
        h('option', { value: 'deny_with_reason' }, 'deny with reason')),
      input('f-reason', 'reason'),
      h('span', { id: 'decision-count', class: 'muted' })),
    h('div', { class: 'panel' }, decisionTable([], 'decisions-table')));
  renderDecisionRows(null);
}

async function explain(intentId) {
  const drawer = document.getElementById('drawer');
  const body = document.getElementById('drawer-body');
  body.replaceChildren(h('div', { class: 'muted' }, 'loading…'));
  drawer.hidden = false;
  try {
    const e = await api(`/v1/intents/${intentId}`);
    const d = e.decision;
    body.replaceChildren(
      h('h1', {}, 'Decision ', d ? badge('verdict', d.verdict) : ''),
      h('div', { class: 'explanation', id: 'explanation' }, e.explanation),
      h('dl', { class: 'kv' },
        kv('intent', e.intent_id), kv('agent', e.agent_id), kv('identity', e.identity_id), kv('workload', e.workload_id),
        kv('scope', e.scope_id), kv('urgency', e.urgency), kv('expected cost', num(e.expected_cost, 3)),
        kv('submitted', e.submitted_at),
        d && kv('reason', d.reason || '–'), d && kv('tightest pool', d.tightest_pool || '–'),
        d && kv('risk', d.risk_summary), d && kv('rules fired', d.rules_fired.join(', ') || 'none'),
        d && kv('policy', d.policy_version), d && kv('valid until', d.valid_until || '–'),
        e.settlement && kv('settled', `${e.settlement.outcome}, actual cost ${num(e.settlement.actual_cost, 3)}`)),
      h('h2', {}, 'Reservations'),
      d && d.reservations.length
        ? h('table', {}, h('tbody', {}, d.reservations.map((r) => h('tr', {}, h('td', {}, poolLink(r.pool_id)),
          h('td', { class: 'num' }, num(r.amount, 3)), h('td', { class: 'mono' }, clock(r.effective_from))))))
        : h('div', { class: 'muted' }, 'none'),
      h('h2', {}, 'Its pools now'),
      h('table', {}, h('tbody', {}, e.pools.map((p) => h('tr', {}, h('td', {}, poolLink(p.pool_id)),
        h('td', { class: 'num' }, `${num(p.remaining)} / ${num(p.limit)}`), h('td', {}, badge('status', p.status)))))));
  } catch (err) {
    body.replaceChildren(h('div', { class: 'error' }, err.message));
  }
}

function kv(key, value) {
  return [h('dt', {}, key), h('dd', { class: 'mono' }, value ?? '–')];
}

function closeDrawer() {
  document.getElementById('drawer').hidden = true;
}

// ---------- constraint graph ----------

async function renderGraph() {
  const graph = await api('/v1/graph');
  const el = h('div', { id: 'graph-chart', class: 'chart tall' });
  mount(h('h1', {}, 'Constraint graph'),
    h('div', { class: 'muted' }, 'Scopes contain agents, agents act as identities, identities draw from pools, pools belong to providers. ',
      'Pools are coloured by status; edge width grows with the number of intents.'),
    h('div', { class: 'panel' }, graph.nodes.length ? el : h('div', { class: 'empty' }, 'Nothing has happened yet.')));
  if (!graph.nodes.length) return;
  const columns = ['scope', 'agent', 'identity', 'pool', 'provider'];
  const byKind = Object.fromEntries(columns.map((k) => [k, graph.nodes.filter((n) => n.kind === k)]));
  const nodes = graph.nodes.map((n) => {
    const column = byKind[n.kind] || [];
    const row = column.indexOf(n);
    return {
      id: n.id, name: n.label, category: columns.indexOf(n.kind),
      x: columns.indexOf(n.kind) * 260, y: (row + 1) * (600 / (column.length + 1)),
      symbolSize: n.kind === 'pool' ? 22 : 16,
      itemStyle: n.kind === 'pool' && n.status ? { color: STATUS_COLOURS[n.status] } : undefined,
      value: n.status || n.kind,
    };
  });
  chart(el).setOption({
    tooltip: { formatter: (p) => p.dataType === 'edge' ? `${p.data.source} → ${p.data.target}: ${p.data.value} intents` : `${p.data.id}` },
    legend: { data: columns, top: 0 },
    animation: false,
    series: [{
      type: 'graph', layout: 'none', roam: true, draggable: true,
      label: { show: true, position: 'right', fontSize: 11 },
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 7,
      categories: columns.map((k) => ({ name: k, itemStyle: { color: KIND_COLOURS[k] } })),
      data: nodes,
      links: graph.edges.map((e) => ({ source: e.from, target: e.to, value: e.intents,
        lineStyle: { width: 1 + Math.log2(1 + e.intents), opacity: 0.6, curveness: 0.05 } })),
    }],
  });
}

// ---------- identities ----------

async function renderIdentities() {
  const [ids, pools] = await Promise.all([api('/v1/identities'), api('/v1/pools')]);
  const poolsOf = (id) => pools.pools.filter((p) => p.identity_id === id);
  mount(h('h1', {}, 'Identities'),
    h('div', { class: 'panel' }, h('table', { id: 'identities-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Identity'), h('th', {}, 'Kind'), h('th', {}, 'Provider'),
        h('th', {}, 'Shared pools'), h('th', {}, 'Own pools'), h('th', {}, 'Registered'))),
      h('tbody', {}, ids.identities.length === 0
        ? h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No identity is registered.'))
        : ids.identities.map((i) => h('tr', {},
          h('td', { class: 'mono' }, i.identity_id), h('td', {}, i.kind), h('td', {}, i.provider),
          h('td', { class: 'mono' }, i.pools.map((p) => `${p.pool} → ${p.shared_key}`).join(', ') || '–'),
          h('td', {}, poolsOf(i.identity_id).map((p) => [poolLink(p.pool_id), ' ', badge('status', p.status), ' '])),
          h('td', { class: 'mono' }, when(i.registered_at))))))));
}

// ---------- policy ----------

async function renderPolicy() {
  const policy = await api('/v1/policy');
  const reload = policy.last_reload;
  const rules = policy.policies.flatMap((p) => p.rules.map((r) => ({ policy: p, rule: r })));
  mount(h('h1', {}, 'Policy'),
    h('div', { class: 'panel' }, h('dl', { class: 'kv' },
      kv('version', policy.version), kv('source', policy.source))),
    h('div', { class: 'tiles' }, tile('Policies', policy.policies.length), tile('Rules', rules.length),
      tile('Workloads', policy.workloads.length), tile('Budgets', policy.budgets.length)),
    h('div', { class: 'panel' }, h('h2', {}, 'Last reload'),
      reload
        ? h('div', {}, `${when(reload.at)} from ${reload.source}, version ${reload.version}: `,
          reload.accepted
            ? h('span', { class: 'badge status-ok' }, 'accepted')
            : h('span', { class: 'badge status-critical' }, 'refused'),
          reload.errors.length ? h('ul', { class: 'errors' }, reload.errors.map((e) => h('li', {}, e))) : null)
        : h('div', { class: 'muted' }, 'No policy file: the built-in policy is in force.')),
    h('div', { class: 'panel' }, h('h2', {}, 'Rules'), h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Policy'), h('th', {}, 'Level'), h('th', {}, 'Selector'), h('th', {}, 'Rule'),
        h('th', {}, 'Condition'), h('th', {}, 'Action'), h('th', {}, 'Reason'))),
      h('tbody', {}, rules.length === 0
        ? h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No rules.'))
        : rules.map(({ policy: p, rule: r }) => h('tr', {}, h('td', {}, p.id), h('td', {}, p.level), h('td', { class: 'mono' }, p.selector),
          h('td', {}, r.name), h('td', { class: 'mono' }, r.condition), h('td', {}, r.action), h('td', { class: 'mono' }, r.reason || '')))))),
    h('div', { class: 'panel' }, h('h2', {}, 'Workloads'), h('table', {},
      h('tbody', {}, policy.workloads.map((w) => h('tr', {}, h('td', {}, w.id),
        h('td', { class: 'mono' }, w.pools.map((p) => `${p.provider}/${p.pool} × ${p.cost}`).join(', '))))))));
}

// ---------- health ----------

async function renderHealth() {
  await refreshVitals();
  mount(h('h1', {}, 'Health'), h('div', { id: 'health-tiles' }),
    h('div', { class: 'grid2' },
      h('div', { class: 'panel' }, h('h2', {}, 'Events appended per second'), h('div', { id: 'rate-chart', class: 'chart small' })),
      h('div', { class: 'panel' }, h('h2', {}, 'Decision latency (ms)'), h('div', { id: 'latency-chart', class: 'chart small' }))),
    h('div', { class: 'panel' }, h('h2', {}, 'Recent commit batches: commands decided and events appended per transaction'),
      h('div', { id: 'batch-chart', class: 'chart small' })));
  chart(document.getElementById('rate-chart'));
  chart(document.getElementById('latency-chart'));
  chart(document.getElementById('batch-chart'));
  renderHealthLive();
}

function renderHealthLive() {
  const v = store.vitals;
  const tiles = document.getElementById('health-tiles');
  if (!v || !tiles) return;
  tiles.replaceChildren(h('div', { class: 'tiles' },
    tile('Overall risk', v.overall_risk, v.overall_risk),
    tile('Events / s', num(v.events_per_second, 2)),
    tile('Decisions / min', v.decisions_per_minute),
    tile('Denial rate', `${num(v.denial_rate * 100, 1)}%`),
    tile('Latency P50 · P99', `${num(v.decision_latency_p50_ms, 2)} · ${num(v.decision_latency_p99_ms, 2)} ms`),
    tile('Commit batches', num(v.commit_batches)),
    tile('Mean batch size', num(v.mean_commands_per_batch, 2)),
    tile('Database size', bytes(v.db_size_bytes)),
    tile('Log position', num(v.last_position)),
    tile('Uptime', duration(v.uptime_s))));
  const [rate, latency, batches] = store.charts;
  const series = store.vitalsSeries;
  const base = { animation: false, grid: { left: 48, right: 16, top: 24, bottom: 28 }, xAxis: { type: 'time' }, yAxis: { type: 'value', min: 0 },
    tooltip: { trigger: 'axis' } };
  rate?.setOption({ ...base, series: [{ name: 'events/s', type: 'line', showSymbol: false, areaStyle: {},
    data: series.map((s) => [s.as_of, s.events_per_second]) }] });
  latency?.setOption({ ...base, legend: { data: ['P50', 'P99'], top: 0 }, series: [
    { name: 'P50', type: 'line', showSymbol: false, data: series.map((s) => [s.as_of, s.decision_latency_p50_ms]) },
    { name: 'P99', type: 'line', showSymbol: false, color: '#cf222e', data: series.map((s) => [s.as_of, s.decision_latency_p99_ms]) }] });
  batches?.setOption({
    animation: false, grid: { left: 48, right: 16, top: 24, bottom: 28 }, tooltip: { trigger: 'axis' },
    legend: { data: ['commands', 'events'], top: 0 },
    xAxis: { type: 'category', data: v.recent_batches.map((b) => clock(b.at)) },
    yAxis: { type: 'value', min: 0, minInterval: 1 },
    series: [
      { name: 'commands', type: 'bar', data: v.recent_batches.map((b) => b.commands) },
      { name: 'events', type: 'bar', color: '#8c959f', data: v.recent_batches.map((b) => b.events) }] });
}

// ---------- start ----------

async function start() {
  document.getElementById('drawer-close').addEventListener('click', closeDrawer);
  window.addEventListener('hashchange', route);
  await refreshVitals();
  const after = store.vitals ? store.vitals.last_position : 0;
  startLive(after);
  setInterval(refreshVitals, 2000);
  route();
}

start();
