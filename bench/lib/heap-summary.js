// What a V8 heap snapshot holds, summed by kind of object: `summarizeHeapSnapshot(file)` gives a Map from
// "<type> <name>" (an object's constructor, a closure's function, `string`, …) to { count, bytes } (self sizes).
// With `shapes`, plain objects are told apart by their first property names: `object Object {a,b,c,…}`.
import { readFileSync } from 'node:fs';

export function summarizeHeapSnapshot(file, { shapes = false } = {}) {
  const { snapshot, nodes, edges, strings, locations } = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const edgeCountAt = fields.indexOf('edge_count');
  const edgeFields = snapshot.meta.edge_fields;
  const edgeStride = edgeFields.length;
  const edgeTypeAt = edgeFields.indexOf('type');
  const edgeNameAt = edgeFields.indexOf('name_or_index');
  const edgeTypes = snapshot.meta.edge_types[0];
  const propertyEdge = edgeTypes.indexOf('property');
  const toNodeAt = edgeFields.indexOf('to_node');
  // Where each node's edges start, so that a closure's function and script can be looked up.
  const firstEdge = new Uint32Array(nodes.length / stride + 1);
  for (let n = 0, edge = 0; n < nodes.length / stride; n++) {
    firstEdge[n] = edge;
    edge += nodes[n * stride + edgeCountAt] * edgeStride;
  }
  firstEdge[nodes.length / stride] = edges.length;
  const edgeTo = (nodeIndex, edgeName) => {
    for (let e = firstEdge[nodeIndex]; e < firstEdge[nodeIndex + 1]; e += edgeStride) {
      if (edgeTypes[edges[e + edgeTypeAt]] !== 'element' && edgeTypes[edges[e + edgeTypeAt]] !== 'hidden' && strings[edges[e + edgeNameAt]] === edgeName) {
        return edges[e + toNodeAt] / stride;
      }
    }
    return undefined;
  };
  // A closure's place: its script's file name and its position, from the snapshot's locations.
  const places = new Map();
  for (let l = 0; shapes && l < (locations?.length ?? 0); l += 4) places.set(locations[l] / stride, `${locations[l + 2] + 1}:${locations[l + 3] + 1}`);
  const scriptOf = (nodeIndex) => {
    const shared = edgeTo(nodeIndex, 'shared');
    const script = shared === undefined ? undefined : edgeTo(shared, 'script_or_debug_info');
    const source = script === undefined ? undefined : strings[nodes[script * stride + nameAt]];
    return source ? source.replace(/^.*\/(dist|node_modules)\//, '$1/') : '?';
  };
  const summary = new Map();
  for (let n = 0; n < nodes.length / stride; n++) {
    const i = n * stride;
    const type = types[nodes[i + typeAt]];
    // Strings are many and each has its own text for a name: one row per string type.
    let name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '' : strings[nodes[i + nameAt]];
    if (shapes && type === 'object' && name === 'Object') {
      const keys = [];
      for (let e = firstEdge[n]; e < firstEdge[n + 1] && keys.length < 4; e += edgeStride) {
        if (edges[e + edgeTypeAt] === propertyEdge) keys.push(strings[edges[e + edgeNameAt]]);
      }
      name += ` {${keys.join(',')}}`;
    }
    if (shapes && type === 'closure') name += ` ${scriptOf(n)}:${places.get(n) ?? '?'}`;
    const key = `${type} ${name}`.trim();
    const row = summary.get(key) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += nodes[i + sizeAt];
    summary.set(key, row);
  }
  return summary;
}

/** `after` minus `before`, per kind, largest growth first. */
export function diffHeapSummaries(before, after) {
  const rows = [];
  for (const [key, { count, bytes }] of after) {
    const base = before.get(key) ?? { count: 0, bytes: 0 };
    rows.push({ key, count: count - base.count, bytes: bytes - base.bytes });
  }
  for (const [key, { count, bytes }] of before) if (!after.has(key)) rows.push({ key, count: -count, bytes: -bytes });
  return rows.sort((a, b) => b.bytes - a.bytes);
}
