const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

/** `requestTime` as API Gateway writes it: Common Log Format in UTC, `11/Nov/2024:11:35:24 +0000`. */
export function formatRequestTime(epochMs: number): string {
  // Every event and log record of a message formats the time: keep the text of the current second.
  const second = Math.floor(epochMs / 1000);
  if (second === cachedSecond) return cachedText;
  const d = new Date(epochMs);
  cachedText =
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  cachedSecond = second;
  return cachedText;
}

let cachedSecond = NaN;
let cachedText = '';
