'use strict';
// Loaded into handler processes with `node --require` (NODE_OPTIONS). It sends TCP connections to the host
// names in WSGATE_HOST_MAP (ports 443 and 80) to the local gateway instead, so that code posting to
// `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}` reaches it unmodified. Only the address
// connected to changes: TLS still names and verifies the original host (the gateway's certificate covers it),
// and every other host resolves and connects as usual.
//
// WSGATE_HOST_MAP: comma-separated `pattern=host:port`; a pattern label `*` matches any one label.

const net = require('node:net');

const REDIRECTED_PORTS = new Set([443, 80]);

function parseRules(text) {
  const rules = [];
  for (const entry of (text || '').split(',')) {
    const equals = entry.lastIndexOf('=');
    const colon = entry.lastIndexOf(':');
    if (equals <= 0 || colon < equals) continue;
    const port = Number(entry.slice(colon + 1));
    if (!Number.isInteger(port) || port <= 0) continue;
    rules.push({ labels: entry.slice(0, equals).trim().toLowerCase().split('.'), host: entry.slice(equals + 1, colon), port });
  }
  return rules;
}

function targetOf(rules, host, port) {
  if (typeof host !== 'string' || !REDIRECTED_PORTS.has(Number(port))) return undefined;
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  return rules.find((rule) => rule.labels.length === labels.length && rule.labels.every((label, i) => label === '*' || label === labels[i]));
}

const rules = parseRules(process.env.WSGATE_HOST_MAP);
if (rules.length > 0) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connectRedirected(...args) {
    // net.connect hands on its already normalized [options, callback] array.
    const normalized = Array.isArray(args[0]) ? args[0] : undefined;
    const first = normalized ? normalized[0] : args[0];
    if (first !== null && typeof first === 'object' && first.path == null) {
      const target = targetOf(rules, first.host, first.port ?? 443);
      if (target) {
        // A copy: tls.connect keeps the original options to verify the certificate against the original host.
        const redirected = { ...first, host: target.host, port: target.port };
        if (normalized) {
          const copy = [redirected, ...normalized.slice(1)];
          for (const symbol of Object.getOwnPropertySymbols(normalized)) copy[symbol] = normalized[symbol];
          return connect.call(this, copy, ...args.slice(1));
        }
        return connect.call(this, redirected, ...args.slice(1));
      }
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      const target = targetOf(rules, typeof args[1] === 'string' ? args[1] : undefined, first);
      if (target) return connect.call(this, target.port, target.host, ...args.slice(2));
    }
    return connect.apply(this, args);
  };
}
