import type { BuildOptions, Message } from 'esbuild';
import type { BundlerSettings } from './bundler-plugin.js';

// An ES module bundle still meets `require` in compiled code and in CommonJS dependencies.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __wsgateCreateRequire } from 'node:module'; const require = __wsgateCreateRequire(import.meta.url);";

export interface BundleRequest {
  /** Absolute path of the handler's source file. */
  entry: string;
  /** Absolute path the bundle is meant for (source map paths are relative to it); nothing is written. */
  outfile: string;
  serviceDir: string;
  /** `inline` in dev (stack traces point at the sources), `external` for a deployed `.map`, or none. */
  sourcemap: 'inline' | 'external' | false;
  /** Folders searched for bare imports after node_modules: the layers' `nodejs/node_modules`. */
  nodePaths?: string[];
}

export interface BundleOutput {
  code: string;
  /** The `.map` text when `sourcemap` is `external`. */
  map?: string;
}

export class BundleFailure extends Error {
  constructor(readonly errors: Message[]) {
    super(errors.map(formatMessage).join('\n'));
  }
}

export function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : '';
  return `${where}${message.text}`;
}

/** Bundles one handler with the plugin's esbuild options, in memory. Throws a BundleFailure on a build error. */
export async function bundleHandler(settings: BundlerSettings, request: BundleRequest): Promise<BundleOutput> {
  // Loaded on first use: services without bundled handlers never pay for esbuild.
  const { build } = await import('esbuild');
  const esm = settings.esbuild.format === 'esm';
  const userBanner = typeof settings.esbuild.banner?.js === 'string' ? `\n${settings.esbuild.banner.js}` : '';
  const options: BuildOptions = {
    ...settings.esbuild,
    entryPoints: [request.entry],
    outfile: request.outfile,
    sourcemap: request.sourcemap,
    sourcesContent: false,
    logLevel: 'silent',
    absWorkingDir: request.serviceDir,
    nodePaths: [...(settings.esbuild.nodePaths ?? []), ...(request.nodePaths ?? [])],
    banner: esm ? { ...settings.esbuild.banner, js: `${ESM_REQUIRE_BANNER}${userBanner}` } : settings.esbuild.banner,
    write: false,
  };
  try {
    const result = await build(options);
    const files = result.outputFiles ?? [];
    const code = files.find((file) => !file.path.endsWith('.map'))?.text ?? '';
    const map = files.find((file) => file.path.endsWith('.map'))?.text;
    return { code, map };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (errors && errors.length > 0) throw new BundleFailure(errors);
    throw err;
  }
}
