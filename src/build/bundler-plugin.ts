import type { BuildOptions } from 'esbuild';
import type { ServiceModel } from '../config/model.js';
import { isRecord } from '../config/is-record.js';

/** The plugins whose handlers only run once bundled; wsgate bundles them with esbuild itself. */
export const BUNDLER_PLUGINS = ['serverless-esbuild', 'serverless-bundle', 'serverless-webpack', 'serverless-plugin-typescript'] as const;
export type BundlerPlugin = (typeof BUNDLER_PLUGINS)[number];

export interface BundlerSettings {
  plugin: BundlerPlugin;
  /** esbuild options for every handler (entry point, output and source maps are set per build). */
  esbuild: BuildOptions;
  /** Whether the deployed bundle gets a source map (`custom.esbuild.sourcemap`); dev always has one. */
  sourcemap: boolean;
  /** Output file extension: `.js` for CommonJS, `.mjs` for ES modules (`custom.esbuild.outputFileExtension` changes it). */
  outExtension: string;
  /** Packages neither bundled nor zipped (the runtime has them): serverless-esbuild's `exclude`. */
  exclude: string[];
}

/** esbuild options of `custom.esbuild` that mean the same whatever wsgate does with the output. */
const PASSED_OPTIONS = [
  'minify', 'minifyWhitespace', 'minifyIdentifiers', 'minifySyntax', 'keepNames', 'target', 'format', 'mainFields',
  'conditions', 'define', 'loader', 'banner', 'footer', 'inject', 'tsconfig', 'tsconfigRaw', 'jsx', 'jsxFactory',
  'jsxFragment', 'treeShaking', 'legalComments', 'charset', 'alias', 'resolveExtensions', 'supported', 'drop', 'pure',
  'ignoreAnnotations', 'nodePaths', 'packages',
] as const;

/** `nodejs22.x` → `node22`, serverless-esbuild's runtime-to-target mapping. */
export function targetOfRuntime(runtime: string): string {
  const match = /^nodejs(\d+)/.exec(runtime);
  return match ? `node${match[1]}` : 'node22';
}

/** The SDK each Node.js runtime ships, which serverless-esbuild's `exclude` leaves out of bundle and zip. */
export function defaultExclude(runtime: string): string[] {
  const major = Number(/^nodejs(\d+)/.exec(runtime)?.[1] ?? 22);
  return major >= 18 ? ['@aws-sdk/*'] : ['aws-sdk'];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The bundler a service uses (its first bundler plugin), with the esbuild options the plugin would use:
 * serverless-esbuild's defaults (bundle, platform node, target from the runtime, CommonJS, the runtime's SDK
 * excluded) with `custom.esbuild` applied; the other plugins get the same defaults (their own options are
 * webpack's or tsc's, which esbuild does not read). Undefined without a bundler plugin.
 */
export function detectBundler(model: ServiceModel): BundlerSettings | undefined {
  const plugin = (model.plugins ?? []).find((name): name is BundlerPlugin => (BUNDLER_PLUGINS as readonly string[]).includes(name));
  if (!plugin) return undefined;
  const custom = plugin === 'serverless-esbuild' && isRecord(model.custom?.esbuild) ? model.custom.esbuild : {};
  const options: Record<string, unknown> = {};
  for (const key of PASSED_OPTIONS) if (custom[key] !== undefined) options[key] = custom[key];
  const exclude = custom.exclude === '*' ? [] : custom.exclude !== undefined ? strings(custom.exclude) : defaultExclude(model.provider.runtime);
  const format = options.format === 'esm' ? 'esm' : 'cjs';
  const outExtension = typeof custom.outputFileExtension === 'string' ? custom.outputFileExtension : format === 'esm' ? '.mjs' : '.js';
  const esbuild: BuildOptions = {
    bundle: custom.bundle !== false,
    platform: 'node',
    target: targetOfRuntime(model.provider.runtime),
    ...options,
    format,
    external: [...exclude, ...strings(custom.external)],
    ...(custom.exclude === '*' ? { packages: 'external' as const } : {}),
  };
  return { plugin, esbuild, exclude, sourcemap: custom.sourcemap !== undefined && custom.sourcemap !== false, outExtension };
}
