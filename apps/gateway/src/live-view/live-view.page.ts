import { createHash } from 'node:crypto';

/**
 * The live view: one page, inline CSS and vanilla JS, no build step and no framework, so it loads
 * in one request and works wherever the gateway runs. It reads the SSE stream with fetch (not
 * EventSource, which cannot send an API key header) and polls /v1/stats. Data is only ever put
 * on the page as text (textContent), never as HTML.
 *
 * An API key, when the gateway requires one, is given as `/live#key=...` (a fragment never
 * reaches a server or its logs) or typed into the form the page shows after a 401; it is kept in
 * sessionStorage. Query parameters jobId, profileId, company and category filter the stream.
 *
 * Cards name jobs and candidates by the stream's display fields where it has them (ids beside
 * them, for lookups). Closed jobs collapse into one line each in a section below the live ones.
 */

const STYLE = `
:root { --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9; --accent: #2f6fed;
  --ok: #1f9d55; --warn: #c2410c; --bad: #b42318; font: 14px/1.4 system-ui, -apple-system,
  "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
header { display: flex; align-items: center; gap: 12px; padding: 12px 20px; background: #111827;
  color: #fff; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; letter-spacing: .02em; }
header .filters { color: #9ca3af; font-size: 12px; }
#status { margin-left: auto; font-size: 12px; padding: 2px 10px; border-radius: 999px;
  background: #374151; }
#status.connected { background: var(--ok); }
#status.reconnecting { background: var(--warn); }
#status.unauthorized { background: var(--bad); }
main { padding: 16px 20px; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px;
  margin-bottom: 16px; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.stat .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .label { color: var(--muted); font-size: 12px; }
.stat .detail { color: var(--muted); font-size: 11px; margin-top: 2px; font-variant-numeric:
  tabular-nums; }
.stat.bad .value { color: var(--bad); }
#auth { display: none; background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 12px; margin-bottom: 16px; }
#auth.shown { display: flex; gap: 8px; align-items: center; }
#auth input { flex: 1; max-width: 360px; padding: 6px 8px; border: 1px solid var(--line);
  border-radius: 6px; }
#auth button { padding: 6px 12px; border: 0; border-radius: 6px; background: var(--accent);
  color: #fff; cursor: pointer; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 0 0 8px; }
#empty { color: var(--muted); padding: 24px; text-align: center; background: #fff;
  border: 1px dashed var(--line); border-radius: 8px; }
#jobs { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px;
  align-items: start; }
.job { background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.job.fresh { box-shadow: 0 0 0 2px var(--accent); }
.job-head { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; padding: 10px 12px;
  border-bottom: 1px solid var(--line); }
.job-title { font-weight: 600; overflow-wrap: anywhere; }
.job-meta { color: var(--muted); font-size: 12px; white-space: nowrap; text-align: right; }
.job-sub { grid-column: 1 / 3; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.job-company { color: var(--ink); }
.id { color: var(--muted); font-size: 11px; font-family: ui-monospace, monospace; }
.job ol { list-style: none; margin: 0; padding: 0; }
.job li { display: grid; grid-template-columns: 28px 1fr 56px; gap: 4px 8px; padding: 8px 12px;
  border-top: 1px solid var(--line); }
.job li:first-child { border-top: 0; }
.rank { color: var(--muted); font-variant-numeric: tabular-nums; }
.cand { font-weight: 500; overflow-wrap: anywhere; }
.cand .id { font-weight: 400; margin-left: 6px; }
.score { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.summary { grid-column: 2 / 4; color: var(--muted); font-size: 12px; }
.none { padding: 10px 12px; color: var(--muted); }
#closed-section { margin-top: 20px; background: #fff; border: 1px solid var(--line);
  border-radius: 8px; }
#closed-section summary { cursor: pointer; padding: 8px 12px; color: var(--muted);
  display: flex; align-items: center; gap: 8px; }
#closed-section summary button { margin-left: auto; padding: 2px 10px; border: 1px solid
  var(--line); border-radius: 6px; background: #fff; color: var(--ink); cursor: pointer; }
#closed { list-style: none; margin: 0; padding: 0; }
.closed-job { display: flex; gap: 8px; align-items: baseline; padding: 4px 12px;
  border-top: 1px solid var(--line); white-space: nowrap; overflow: hidden; font-size: 12px; }
.closed-job .job-title { font-weight: 500; overflow: hidden; text-overflow: ellipsis; }
.closed-job .what { color: var(--muted); margin-left: auto; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var MAX_JOBS = 60;
  var MAX_CLOSED = 100;
  var query = new URLSearchParams(location.search);
  var filters = new URLSearchParams();
  ['jobId', 'profileId', 'company', 'category'].forEach(function (name) {
    var value = query.get(name);
    if (value) filters.set(name, value);
  });
  var fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('key')) {
    sessionStorage.setItem('matchstream-api-key', fragment.get('key'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  var apiKey = sessionStorage.getItem('matchstream-api-key') || '';
  var lastEventId = null;
  var received = 0;
  var retryMs = 3000;
  var controller = null;
  var jobs = new Map();
  var closed = new Map();
  var $ = function (id) { return document.getElementById(id); };

  $('filters').textContent = filters.toString() ? 'filtered: ' + filters.toString().replace(/&/g, ', ') : 'all jobs';

  function headers(extra) {
    var h = extra || {};
    if (apiKey) h.authorization = 'Bearer ' + apiKey;
    return h;
  }
  function setStatus(state, text) {
    var el = $('status');
    el.className = state;
    el.textContent = text;
  }
  function needKey() {
    setStatus('unauthorized', 'API key needed');
    $('auth').className = 'shown';
  }
  $('auth').addEventListener('submit', function (event) {
    event.preventDefault();
    apiKey = $('key').value.trim();
    sessionStorage.setItem('matchstream-api-key', apiKey);
    $('auth').className = '';
    connect();
  });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function describeJob(card, id, event) {
    var job = event.display && event.display.jobs && event.display.jobs[id];
    if (!job) return;
    card.querySelector('.job-title').textContent = job.title;
    card.querySelector('.job-company').textContent = job.company;
  }

  function jobCard(id) {
    var card = jobs.get(id);
    if (card) return card;
    card = el('section', 'job');
    card.dataset.jobId = id;
    var head = el('div', 'job-head');
    head.appendChild(el('span', 'job-title', id));
    head.appendChild(el('span', 'job-meta'));
    var sub = el('span', 'job-sub');
    sub.appendChild(el('span', 'job-company'));
    sub.appendChild(document.createTextNode(' '));
    sub.appendChild(el('span', 'id', id));
    head.appendChild(sub);
    card.appendChild(head);
    card.appendChild(el('ol'));
    jobs.set(id, card);
    return card;
  }

  function showJob(card) {
    var list = $('jobs');
    list.insertBefore(card, list.firstChild);
    $('empty').hidden = true;
    card.classList.add('fresh');
    setTimeout(function () { card.classList.remove('fresh'); }, 1200);
    while (jobs.size > MAX_JOBS) {
      var oldest = list.lastElementChild;
      jobs.delete(oldest.dataset.jobId);
      list.removeChild(oldest);
    }
  }

  function dropClosed(id) {
    var row = closed.get(id);
    if (!row) return;
    closed.delete(id);
    row.remove();
    updateClosed();
  }

  function updateClosed() {
    $('closed-count').textContent = String(closed.size);
    $('closed-section').hidden = closed.size === 0;
  }

  function onRanking(event) {
    if (event.subject.type !== 'job') return;
    var id = event.subject.id;
    dropClosed(id);
    var card = jobCard(id);
    describeJob(card, id, event);
    card.querySelector('.job-meta').textContent =
      'v' + event.subject.version + ' · ' + event.trigger + ' · ' + new Date(event.producedAt).toLocaleTimeString();
    var profiles = (event.display && event.display.profiles) || {};
    var list = el('ol');
    event.matches.forEach(function (match) {
      var row = el('li');
      row.dataset.rank = String(match.rank);
      row.dataset.profileId = match.counterpartId;
      row.appendChild(el('span', 'rank', '#' + match.rank));
      var who = profiles[match.counterpartId];
      var cand = el('span', 'cand', who ? (who.name ? who.name + ' · ' : '') + who.headline : match.counterpartId);
      if (who) cand.appendChild(el('span', 'id', match.counterpartId));
      row.appendChild(cand);
      row.appendChild(el('span', 'score', match.score.toFixed(3)));
      row.appendChild(el('span', 'summary', match.explanation.summary));
      list.appendChild(row);
    });
    if (event.matches.length === 0) list.appendChild(el('li', 'none', 'no eligible candidates yet'));
    card.replaceChild(list, card.querySelector('ol'));
    showJob(card);
  }

  // A closed job leaves the live grid for one line in the closed section, newest first, so
  // retractions (stale ones from an earlier run included) never push live jobs down.
  function onRetracted(event) {
    if (event.subject.type !== 'job') return;
    var id = event.subject.id;
    var card = jobs.get(id);
    var title = card ? card.querySelector('.job-title').textContent : id;
    var company = card ? card.querySelector('.job-company').textContent : '';
    var job = event.display && event.display.jobs && event.display.jobs[id];
    if (job) { title = job.title; company = job.company; }
    if (card) {
      jobs.delete(id);
      card.remove();
      $('empty').hidden = jobs.size > 0;
    }
    dropClosed(id);
    var row = el('li', 'closed-job');
    row.dataset.jobId = id;
    row.appendChild(el('span', 'job-title', title));
    if (company) row.appendChild(el('span', 'job-company', company));
    if (title !== id) row.appendChild(el('span', 'id', id));
    row.appendChild(el('span', 'what',
      'closed, ' + event.retracted.length + (event.retracted.length === 1 ? ' match' : ' matches') +
      ' retracted · ' + new Date(event.producedAt).toLocaleTimeString()));
    var list = $('closed');
    list.insertBefore(row, list.firstChild);
    closed.set(id, row);
    while (closed.size > MAX_CLOSED) {
      var oldest = list.lastElementChild;
      closed.delete(oldest.dataset.jobId);
      list.removeChild(oldest);
    }
    updateClosed();
  }

  $('closed-dismiss').addEventListener('click', function (event) {
    event.preventDefault();
    closed.clear();
    $('closed').textContent = '';
    updateClosed();
  });

  function dispatch(frame) {
    var id = null, type = 'message', data = [];
    frame.split('\\n').forEach(function (line) {
      if (!line || line.charAt(0) === ':') return;
      var colon = line.indexOf(':');
      var field = colon < 0 ? line : line.slice(0, colon);
      var value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\\d+$/.test(value)) retryMs = Number(value);
    });
    if (id !== null) lastEventId = id;
    if (data.length === 0) return;
    var event;
    try { event = JSON.parse(data.join('\\n')); } catch (e) { return; }
    received += 1;
    $('received').textContent = String(received);
    if (type === 'match.ranking') onRanking(event);
    else if (type === 'match.retracted') onRetracted(event);
  }

  function connect() {
    if (controller) controller.abort();
    controller = new AbortController();
    var params = new URLSearchParams(filters);
    if (lastEventId === null) params.set('backlog', 'true');
    var extra = { accept: 'text/event-stream' };
    if (lastEventId !== null) extra['last-event-id'] = lastEventId;
    fetch('/v1/stream/matches?' + params.toString(), { headers: headers(extra), cache: 'no-store', signal: controller.signal })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { needKey(); return; }
        if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
        setStatus('connected', 'live');
        var reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        var buffer = '';
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error('stream ended');
            buffer += chunk.value;
            var end;
            while ((end = buffer.indexOf('\\n\\n')) >= 0) {
              dispatch(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function (error) {
        if (error && error.name === 'AbortError') return;
        setStatus('reconnecting', 'reconnecting…');
        setTimeout(connect, retryMs);
      });
  }

  function pollStats() {
    fetch('/v1/stats', { headers: headers(), cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (stats) {
        if (!stats) return;
        $('eventsAccepted').textContent = String(stats.eventsAccepted);
        $('eventsDuplicate').textContent = String(stats.eventsDuplicate);
        $('eventsRejected').textContent = String(stats.eventsRejected);
        var topics = stats.inputTopicRecords;
        $('inputTopicRecords').textContent = topics ? String(topics.profiles + topics.jobs) : '–';
        $('inputTopicDetail').textContent = topics ? topics.profiles + ' profile · ' + topics.jobs + ' job events' : 'reading offsets…';
        $('matchesRelayed').textContent = String(stats.matchesRelayed);
        var by = stats.matchesRelayedBy;
        $('matchesDetail').textContent = by.jobRankings + ' job rankings · ' + by.candidateRankings +
          ' candidate rankings · ' + by.retractions + ' retractions';
        $('deadLettersSeen').textContent = String(stats.deadLettersSeen);
        $('deadLetters').classList.toggle('bad', stats.deadLettersSeen > 0);
        $('streamClients').textContent = String(stats.streamClients);
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { setTimeout(pollStats, 2000); });
  }

  connect();
  pollStats();
})();
`;

const BODY = `
<header>
  <h1>matchstream · live</h1>
  <span class="filters" id="filters"></span>
  <span id="status">connecting…</span>
</header>
<main>
  <form id="auth"><label for="key">API key</label><input id="key" type="password" autocomplete="off"><button type="submit">Connect</button></form>
  <div class="stats">
    <div class="stat" title="Events this gateway accepted on its HTTP ingestion API since it started"><div class="value" id="eventsAccepted">–</div><div class="label">accepted over HTTP</div><div class="detail">by this gateway</div></div>
    <div class="stat"><div class="value" id="eventsDuplicate">–</div><div class="label">HTTP duplicates skipped</div></div>
    <div class="stat"><div class="value" id="eventsRejected">–</div><div class="label">HTTP events rejected</div></div>
    <div class="stat" title="Records appended to the profile and job input topics since this gateway started, from any producer"><div class="value" id="inputTopicRecords">–</div><div class="label">on the input topics</div><div class="detail" id="inputTopicDetail">reading offsets…</div></div>
    <div class="stat" title="Match events relayed from the matches topic since this gateway started: rankings published and retractions"><div class="value" id="matchesRelayed">–</div><div class="label">matches out</div><div class="detail" id="matchesDetail"></div></div>
    <div class="stat" id="deadLetters"><div class="value" id="deadLettersSeen">–</div><div class="label">dead letters</div></div>
    <div class="stat"><div class="value" id="received">0</div><div class="label">events on this page</div></div>
    <div class="stat"><div class="value" id="streamClients">–</div><div class="label">stream clients</div></div>
  </div>
  <h2>Live jobs and their ranked candidates</h2>
  <div id="empty">Waiting for rankings…</div>
  <div id="jobs"></div>
  <details id="closed-section" hidden><summary><span>Closed jobs (<span id="closed-count">0</span>), their matches retracted</span><button type="button" id="closed-dismiss">Dismiss</button></summary><ul id="closed"></ul></details>
</main>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const LIVE_VIEW_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>matchstream · live</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

/**
 * Only this page's own inline script and style run (by hash), and it talks only to the gateway.
 */
export const LIVE_VIEW_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
