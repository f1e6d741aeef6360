// The wsgate inspector page: state pushed by the gateway over /_wsgate/socket. Pushes are applied as they come
// and drawn at most every RENDER_EVERY_MS, each part only when it changed, the lists updated in place.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_LISTED = 300;
  const RENDER_EVERY_MS = 200;
  let limits = { timelineEntries: 200, closedConnections: 200, managementCalls: 200 };
  let socket;
  let selected;
  /** The selected connection's timeline, as the gateway sent it, then appended to. */
  let timeline = [];
  let functions = [];
  let functionState = { instances: [], faults: [] };
  let calls = [];
  /** connectionId → its summary */
  const connections = new Map();
  /** connectionId → { li, button, text } of the listed connections */
  const listed = new Map();
  let listedOrder = '';
  const dirty = { list: false, detail: false, timeline: false, functions: false, calls: false };
  let renderTimer;
  let lastRender = 0;

  const time = (ms) => new Date(ms).toISOString().slice(11, 23);
  const el = (tag, props, children) => {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) node.append(child);
    return node;
  };

  function connect() {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/_wsgate/socket`);
    socket.onopen = () => ($('link').textContent = 'Live');
    socket.onclose = () => {
      $('link').textContent = 'Disconnected from the gateway; retrying…';
      setTimeout(connect, 1000);
    };
    socket.onmessage = (message) => receive(JSON.parse(message.data));
  }

  function receive(message) {
    if (message.type === 'snapshot') {
      limits = message.limits;
      functions = message.functions;
      functionState = message.functionState;
      calls = message.calls;
      connections.clear();
      for (const connection of message.connections) connections.set(connection.connectionId, connection);
      $('service').textContent = `${message.service} (stage ${message.stage})`;
      renderRoutes(message.routes);
      if (selected) act({ type: 'select', connectionId: selected });
      Object.keys(dirty).forEach((part) => (dirty[part] = true));
    } else if (message.type === 'events') {
      for (const event of message.events) apply(event);
    } else if (message.type === 'timeline') {
      if (message.connectionId !== selected) return;
      timeline = message.timeline || [];
      if (message.connection) connections.set(message.connectionId, message.connection);
      dirty.detail = dirty.timeline = true;
    } else if (message.type === 'functions') {
      functionState = message;
      dirty.functions = true;
    } else if (message.type === 'result') {
      $('action-result').textContent = message.text;
    }
    schedule();
  }

  function apply(event) {
    if (event.type === 'connection') {
      connections.set(event.connection.connectionId, event.connection);
      if (event.connection.closed) trimClosed();
      dirty.list = true;
      if (event.connection.connectionId === selected) dirty.detail = true;
    } else if (event.type === 'counters') {
      for (const [connectionId, framesIn, framesOut, lastActive, dropped] of event.rows) {
        const c = connections.get(connectionId);
        if (!c) continue;
        Object.assign(c, { framesIn, framesOut, lastActive, dropped });
        if (connectionId === selected) dirty.detail = true;
      }
      dirty.list = true;
    } else if (event.type === 'entry') {
      // A timeline sent on selection may already hold entries pushed after it.
      if (event.connectionId !== selected || (timeline.length > 0 && event.entry.seq <= timeline[timeline.length - 1].seq)) return;
      timeline.push(event.entry);
      if (timeline.length > limits.timelineEntries) timeline.splice(0, timeline.length - limits.timelineEntries);
      dirty.timeline = true;
    } else if (event.type === 'management') {
      calls.push(event.call);
      if (calls.length > limits.managementCalls) calls.splice(0, calls.length - limits.managementCalls);
      dirty.calls = true;
    }
  }

  function trimClosed() {
    const closed = [...connections.values()].filter((c) => c.closed);
    for (const c of closed.slice(0, Math.max(0, closed.length - limits.closedConnections))) connections.delete(c.connectionId);
  }

  /** One draw per animation frame at most, and no sooner than RENDER_EVERY_MS after the last one. */
  function schedule() {
    if (renderTimer !== undefined) return;
    renderTimer = setTimeout(() => requestAnimationFrame(render), Math.max(0, lastRender + RENDER_EVERY_MS - performance.now()));
  }

  function render() {
    renderTimer = undefined;
    lastRender = performance.now();
    if (dirty.list) renderConnections();
    if (dirty.detail) renderDetail();
    if (dirty.timeline) renderTimeline();
    if (dirty.functions) renderFunctions();
    if (dirty.calls) renderCalls();
    Object.keys(dirty).forEach((part) => (dirty[part] = false));
  }

  function choose(connectionId) {
    selected = connectionId;
    timeline = [];
    act({ type: 'select', connectionId });
    dirty.list = dirty.detail = dirty.timeline = true;
    render();
  }

  function renderConnections() {
    const items = [...connections.values()].sort((a, b) => (!!a.closed - !!b.closed) || b.connectedAt - a.connectedAt);
    const open = items.filter((c) => !c.closed).length;
    $('connection-count').textContent = `(${open} open, ${items.length - open} closed)`;
    const shown = items.slice(0, MAX_LISTED);
    const keep = new Set(shown.map((c) => c.connectionId));
    for (const id of listed.keys()) if (!keep.has(id)) listed.delete(id);
    for (const c of shown) {
      let row = listed.get(c.connectionId);
      if (!row) {
        const button = el('button', { type: 'button' });
        button.addEventListener('click', () => choose(c.connectionId));
        row = { li: el('li', {}, [button]), button, text: '' };
        listed.set(c.connectionId, row);
      }
      const state = c.closed ? `closed ${c.closed.code ?? ''}${c.closed.reason ? ` ${c.closed.reason}` : ''}` : 'open';
      const text = `${state} · ${c.sourceIp} · in ${c.framesIn} / out ${c.framesOut} · ${c.connectionId === selected}`;
      if (text === row.text) continue;
      row.text = text;
      row.button.className = c.closed ? 'closed' : '';
      row.button.replaceChildren(
        el('span', { className: 'id', textContent: c.connectionId }),
        el('span', { className: 'meta', textContent: `${state} · ${c.sourceIp} · in ${c.framesIn} / out ${c.framesOut}` }),
      );
      row.button.setAttribute('aria-pressed', String(c.connectionId === selected));
      row.button.setAttribute('aria-label', `Connection ${c.connectionId}, ${state}`);
    }
    const order = shown.map((c) => c.connectionId).join(' ');
    if (order !== listedOrder) {
      listedOrder = order;
      $('connections').replaceChildren(...shown.map((c) => listed.get(c.connectionId).li));
    }
    const more = $('connections-more');
    more.hidden = items.length <= MAX_LISTED;
    more.textContent = `and ${items.length - MAX_LISTED} more (the ${MAX_LISTED} newest are listed)`;
  }

  function renderDetail() {
    const c = selected && connections.get(selected);
    $('no-selection').hidden = !!c;
    $('selected').hidden = !c;
    if (!c) return;
    $('detail-heading').textContent = `Connection ${c.connectionId}`;
    const facts = [
      ['Connected at', new Date(c.connectedAt).toISOString()],
      ['Source IP', c.sourceIp],
      ['User agent', c.userAgent || '-'],
      ['Query string', c.query || '-'],
      ['Principal', c.principalId || '-'],
      ['Authorizer context', c.authorizerContext && Object.keys(c.authorizerContext).length ? JSON.stringify(c.authorizerContext) : '-'],
      ['Frames in / out', `${c.framesIn} / ${c.framesOut}`],
      ['Last active', new Date(c.lastActive).toISOString()],
      ['State', c.closed ? `closed with ${c.closed.code ?? '-'}${c.closed.reason ? ` "${c.closed.reason}"` : ''}` : 'open'],
    ];
    $('facts').replaceChildren(...facts.flatMap(([name, value]) => [el('dt', { textContent: name }), el('dd', { textContent: value })]));
    $('send').disabled = !!c.closed;
    $('disconnect').disabled = !!c.closed;
    const dropped = $('dropped');
    dropped.hidden = c.dropped === 0;
    dropped.textContent = `${c.dropped} older entries dropped: the inspector keeps the newest ${limits.timelineEntries} per connection.`;
  }

  /** Appends what is new and removes what was dropped, by sequence number: entries already drawn stay. */
  function renderTimeline() {
    const list = $('timeline');
    if (timeline.length === 0) return list.replaceChildren();
    const first = timeline[0].seq;
    while (list.firstChild && Number(list.firstChild.dataset.seq) < first) list.firstChild.remove();
    // Not the start of this timeline: another connection's was drawn.
    if (list.firstChild && Number(list.firstChild.dataset.seq) !== first) list.replaceChildren();
    const drawn = list.lastChild ? Number(list.lastChild.dataset.seq) : -Infinity;
    list.append(...timeline.filter((entry) => entry.seq > drawn).map(timelineItem));
  }

  function timelineItem(entry) {
    const li = el('li', { className: `k-${entry.kind}` }, [`${time(entry.time)} `, el('span', { className: 'kind', textContent: label(entry) }), ` ${entry.text}`]);
    li.dataset.seq = String(entry.seq);
    if (entry.detail && entry.kind === 'failure') li.append(el('details', {}, [el('summary', { textContent: 'stack' }), entry.detail]));
    return li;
  }

  function label(entry) {
    if (entry.kind === 'post' || entry.kind === 'log') return entry.detail;
    if (entry.kind === 'frame-out') return 'route response';
    return { connect: 'connect', 'client-frame': 'client frame', route: 'route', 'error-frame': 'error frame', failure: 'failure', inspector: 'inspector', disconnect: 'disconnect' }[entry.kind] || entry.kind;
  }

  function renderRoutes(routes) {
    $('routes').tBodies[0].replaceChildren(...routes.map((r) => el('tr', {}, [el('td', { textContent: r.routeKey }), el('td', { textContent: r.functionKey })])));
    const select = $('fault-function');
    select.replaceChildren(...functions.map((fn) => el('option', { value: fn.key, textContent: fn.key })));
  }

  function renderFunctions() {
    $('functions').tBodies[0].replaceChildren(
      ...functions.map((fn) => {
        const instances = functionState.instances.find((i) => i.functionKey === fn.key) || { warm: 0, busy: 0, starting: 0 };
        const fault = functionState.faults.find((f) => f.functionKey === fn.key);
        const named = (instances.instances || []).map((i) => `${i.id} ${i.state}`).join(', ') || '-';
        return el('tr', {}, [fn.key, fn.runtime, instances.warm, instances.busy, instances.starting, named, fault ? `${fault.kind} × ${fault.remaining}` : '-'].map((v) => el('td', { textContent: String(v) })));
      }),
    );
  }

  function renderCalls() {
    $('calls').replaceChildren(
      ...calls.slice(-50).reverse().map((call) => el('li', { textContent: `${time(call.time)} ${call.method} ${call.connectionId || '-'} ${call.status}${call.errorType ? ` ${call.errorType}` : ''}${call.caller ? ` · ${call.caller}` : ''}` })),
    );
  }

  function act(action) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(action));
    else $('action-result').textContent = 'Not connected to the gateway.';
  }
  $('send-form').addEventListener('submit', (event) => {
    event.preventDefault();
    act({ type: 'send', connectionId: selected, message: $('message').value });
  });
  $('disconnect').addEventListener('click', () => act({ type: 'disconnect', connectionId: selected }));
  $('fault-form').addEventListener('submit', (event) => {
    event.preventDefault();
    act({ type: 'fault', functionKey: $('fault-function').value, kind: $('fault-kind').value, count: Number($('fault-count').value) });
  });
  connect();
})();
