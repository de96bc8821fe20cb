// The ristbond status page: one EventSource for the stats report each second, canvas charts drawn here, two
// controls posted as JSON. No library, nothing from another origin (the server's CSP forbids it).
'use strict';

const HISTORY = 120; // points per chart: two minutes at one report a second
const COLORS = ['#2f80ed', '#eb5757', '#27ae60', '#f2994a', '#9b51e0', '#00a3a3', '#b8860b', '#e056a0'];
const LINK_CHARTS = [
  { id: 'chart-sent', value: l => l.sent_bps / 1e6 },
  { id: 'chart-rtt', value: l => l.rtt_ms },
  { id: 'chart-loss', value: l => l.loss * 100 },
  { id: 'chart-weight', value: l => l.weight },
  { id: 'chart-signal', value: l => (l.modem && l.modem.rsrp != null ? l.modem.rsrp : null), signed: true },
];

const $ = id => document.getElementById(id);
const links = new Map(); // name → { color, row, history: { chartId: [] } }
const encoder = { bitrate: [], recommended: [] };
let streaming = null;
let limitsShown = false;

function rate(bps) {
  if (bps == null) return '–';
  if (bps >= 1e6) return (bps / 1e6).toFixed(bps >= 1e7 ? 1 : 2) + ' Mbps';
  if (bps >= 1e3) return Math.round(bps / 1e3) + ' kbps';
  return Math.round(bps) + ' bps';
}

function push(list, value) {
  list.push(value);
  if (list.length > HISTORY) list.shift();
}

function draw(canvas, lines, signed) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = getComputedStyle(document.body).color;
  let lo = Infinity, hi = -Infinity;
  for (const line of lines) for (const v of line.values) if (v != null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!isFinite(lo)) { g.fillText('no data', 6, h / 2); return; }
  if (!signed) lo = Math.min(lo, 0);
  if (hi - lo < 1e-9) hi = lo + 1;
  const pad = 4, top = pad + 10, bottom = h - pad;
  const y = v => bottom - (v - lo) / (hi - lo) * (bottom - top);
  const step = (w - 2 * pad) / (HISTORY - 1);
  g.globalAlpha = 0.25;
  g.fillRect(pad, y(hi), w - 2 * pad, 1);
  g.fillRect(pad, y(lo), w - 2 * pad, 1);
  g.globalAlpha = 1;
  g.fillText(hi.toFixed(hi < 10 && hi > -10 ? 2 : 0), pad, top - 2);
  g.fillText(lo.toFixed(lo < 10 && lo > -10 ? 2 : 0), pad, bottom - 2);
  for (const line of lines) {
    g.strokeStyle = line.color;
    g.lineWidth = 1.5;
    g.beginPath();
    let pen = false;
    const first = HISTORY - line.values.length;
    line.values.forEach((v, i) => {
      if (v == null) { pen = false; return; }
      const x = pad + (first + i) * step;
      if (pen) g.lineTo(x, y(v)); else g.moveTo(x, y(v));
      pen = true;
    });
    g.stroke();
  }
}

function linkEntry(name) {
  let entry = links.get(name);
  if (entry) return entry;
  const color = COLORS[links.size % COLORS.length];
  const row = document.createElement('tr');
  row.dataset.link = name;
  row.innerHTML = '<td class="name"><span class="swatch"></span></td><td class="state"></td><td class="sent"></td>' +
    '<td class="rtt"></td><td class="loss"></td><td class="weight"></td><td class="signal"></td>';
  row.querySelector('.swatch').style.setProperty('--c', color);
  row.querySelector('.name').append(name);
  $('links').tBodies[0].append(row);
  entry = { color, row, history: Object.fromEntries(LINK_CHARTS.map(c => [c.id, []])) };
  links.set(name, entry);
  return entry;
}

function cell(row, cls, text) { row.querySelector('.' + cls).textContent = text; }

function showStreaming(on) {
  streaming = on;
  const pill = $('streaming'), button = $('toggle');
  pill.textContent = on ? 'streaming' : 'stopped';
  pill.className = 'pill ' + (on ? 'ok' : 'bad');
  button.textContent = on ? 'Stop streaming' : 'Start streaming';
  button.className = on ? 'stop' : 'start';
  button.disabled = false;
}

function onStats(report) {
  $('bitrate').textContent = rate(report.bitrate_bps);
  $('recommended').textContent = rate(report.recommended_bitrate_bps);
  $('sent').textContent = rate(report.totals.sent_bps);
  $('links-live').textContent = report.totals.links_live + ' / ' + report.totals.links;
  $('limits-now').textContent = 'Now: ' + rate(report.min_bitrate_bps) + ' – ' + rate(report.max_bitrate_bps);
  if (!limitsShown) {
    $('min-mbps').value = (report.min_bitrate_bps / 1e6).toString();
    $('max-mbps').value = (report.max_bitrate_bps / 1e6).toString();
    limitsShown = true;
  }
  if (report.streaming !== streaming) showStreaming(report.streaming);
  push(encoder.bitrate, report.bitrate_bps / 1e6);
  push(encoder.recommended, report.recommended_bitrate_bps / 1e6);
  draw($('chart-encoder'), [{ color: COLORS[0], values: encoder.bitrate }, { color: COLORS[2], values: encoder.recommended }]);

  const present = new Set();
  for (const link of report.links) {
    present.add(link.name);
    const entry = linkEntry(link.name);
    cell(entry.row, 'state', link.state);
    cell(entry.row, 'sent', rate(link.sent_bps));
    cell(entry.row, 'rtt', link.rtt_ms.toFixed(0) + ' ms');
    cell(entry.row, 'loss', (link.loss * 100).toFixed(1) + ' %');
    cell(entry.row, 'weight', String(link.weight));
    cell(entry.row, 'signal', link.modem && link.modem.rsrp != null ? link.modem.rsrp.toFixed(0) + ' dBm' : '–');
    for (const chart of LINK_CHARTS) push(entry.history[chart.id], chart.value(link));
  }
  for (const [name, entry] of links) {
    if (!present.has(name)) { entry.row.remove(); links.delete(name); }
  }
  for (const chart of LINK_CHARTS) {
    draw($(chart.id), [...links.values()].map(e => ({ color: e.color, values: e.history[chart.id] })), chart.signed);
  }
}

function logEvent(type, data) {
  const item = document.createElement('li');
  const t = data.t != null ? data.t.toFixed(1) + ' s ' : '';
  const detail = data.name ? data.name : data.recommended_bitrate_bps != null ? 'recommended ' + rate(data.recommended_bitrate_bps) : '';
  item.textContent = t + type + ' ' + detail;
  const list = $('events');
  list.prepend(item);
  while (list.children.length > 30) list.lastChild.remove();
}

function message(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = 'note' + (isError ? ' error' : '');
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}), credentials: 'same-origin',
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || response.status + ' ' + response.statusText);
  return answer;
}

function connect() {
  const events = new EventSource('/api/events');
  events.onopen = () => { $('connection').textContent = 'live'; $('connection').className = 'pill ok'; };
  events.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').className = 'pill bad'; };
  events.addEventListener('stats', e => onStats(JSON.parse(e.data)));
  for (const type of ['congestion-control', 'bandwidth-available', 'link-added', 'link-removed']) {
    events.addEventListener(type, e => logEvent(type, JSON.parse(e.data)));
  }
}

$('toggle').addEventListener('click', async () => {
  const button = $('toggle');
  button.disabled = true;
  try {
    const answer = await post(streaming ? '/api/stream/stop' : '/api/stream/start');
    showStreaming(answer.streaming);
    message(answer.streaming ? 'Streaming resumed.' : 'Streaming stopped; the links stay up.', false);
  } catch (e) {
    message(e.message, true);
    button.disabled = false;
  }
});

$('limits').addEventListener('submit', async e => {
  e.preventDefault();
  const body = {};
  const min = parseFloat($('min-mbps').value), max = parseFloat($('max-mbps').value);
  if (!isNaN(min)) body.min_bitrate_bps = Math.round(min * 1e6);
  if (!isNaN(max)) body.max_bitrate_bps = Math.round(max * 1e6);
  try {
    await post('/api/bitrate', body);
    message('Limits sent; the next report shows them.', false);
  } catch (err) {
    message(err.message, true);
  }
});

connect();
