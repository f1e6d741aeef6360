// The wsgate inspector page: state pushed by the gateway over /_wsgate/socket, rendered at most once a frame.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_LISTED = 300;
  let limits = { timelineEntries: 200, closedConnections: 200, managementCalls: 200 };
  let socket;
  let selected;
  let scheduled = false;
  let functions = [];
  let functionState = { instances: [], faults: [] };
  let calls = [];
  /** connectionId → { connection, timeline } */
  const connections = new Map();

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
      for (const item of message.connections) connections.set(item.connection.connectionId, { connection: item.connection, timeline: item.timeline });
      $('service').textContent = `${message.service} (stage ${message.stage})`;
      renderRoutes(message.routes);
    } else if (message.type === 'events') {
      for (const event of message.events) apply(event);
    } else if (message.type === 'functions') {
      functionState = message;
    } else if (message.type === 'result') {
      $('action-result').textContent = message.text;
    }
    schedule();
  }

  function apply(event) {
    if (event.type === 'connection') {
      const item = connections.get(event.connection.connectionId) || { timeline: [] };
      item.connection = event.connection;
      connections.set(event.connection.connectionId, item);
      trimClosed();
    } else if (event.type === 'entry') {
      const item = connections.get(event.connectionId);
      if (!item) return;
      item.timeline.push(event.entry);
      if (item.timeline.length > limits.timelineEntries) item.timeline.splice(0, item.timeline.length - limits.timelineEntries);
    } else if (event.type === 'management') {
      calls.push(event.call);
      if (calls.length > limits.managementCalls) calls.splice(0, calls.length - limits.managementCalls);
    }
  }

  function trimClosed() {
    const closed = [...connections.values()].filter((item) => item.connection.closed);
    for (const item of closed.slice(0, Math.max(0, closed.length - limits.closedConnections))) connections.delete(item.connection.connectionId);
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
    });
  }

  function render() {
    renderConnections();
    renderDetail();
    renderFunctions();
    renderCalls();
  }

  function renderConnections() {
    const items = [...connections.values()].sort((a, b) => (!!a.connection.closed - !!b.connection.closed) || b.connection.connectedAt - a.connection.connectedAt);
    const open = items.filter((item) => !item.connection.closed).length;
    $('connection-count').textContent = `(${open} open, ${items.length - open} closed)`;
    const list = $('connections');
    list.replaceChildren(
      ...items.slice(0, MAX_LISTED).map(({ connection: c }) => {
        const state = c.closed ? `closed ${c.closed.code ?? ''}${c.closed.reason ? ` ${c.closed.reason}` : ''}` : 'open';
        const button = el('button', { type: 'button', className: c.closed ? 'closed' : '' }, [
          el('span', { className: 'id', textContent: c.connectionId }),
          el('span', { className: 'meta', textContent: `${state} · ${c.sourceIp} · in ${c.framesIn} / out ${c.framesOut}` }),
        ]);
        button.setAttribute('aria-pressed', String(c.connectionId === selected));
        button.setAttribute('aria-label', `Connection ${c.connectionId}, ${state}`);
        button.addEventListener('click', () => {
          selected = c.connectionId;
          render();
        });
        return el('li', {}, [button]);
      }),
    );
    const more = $('connections-more');
    more.hidden = items.length <= MAX_LISTED;
    more.textContent = `and ${items.length - MAX_LISTED} more (the ${MAX_LISTED} newest are listed)`;
  }

  function renderDetail() {
    const item = selected && connections.get(selected);
    $('no-selection').hidden = !!item;
    $('selected').hidden = !item;
    if (!item) return;
    const c = item.connection;
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
    $('timeline').replaceChildren(
      ...item.timeline.map((entry) => {
        const li = el('li', { className: `k-${entry.kind}` }, [
          `${time(entry.time)} `,
          el('span', { className: 'kind', textContent: label(entry) }),
          ` ${entry.text}`,
        ]);
        if (entry.detail && (entry.kind === 'failure')) li.append(el('details', {}, [el('summary', { textContent: 'stack' }), entry.detail]));
        return li;
      }),
    );
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

  const act = (action) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(action));
    else $('action-result').textContent = 'Not connected to the gateway.';
  };
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
