export * from './errors.js';
export type * from './config/model.js';
export type * from './config/load-options.js';
export { loadService } from './config/load.js';
export type * from './runtime/invoker.js';
