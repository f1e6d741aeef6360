// Part of `npm run build`: the bundled Python bootstrap is not TypeScript, so tsc leaves it behind; it goes next
// to the compiled runtime-api module that starts it.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/runtime/runtime-api/python/', import.meta.url), new URL('../dist/runtime/runtime-api/python/', import.meta.url), {
  recursive: true,
  filter: (source) => !source.includes('__pycache__'),
});
