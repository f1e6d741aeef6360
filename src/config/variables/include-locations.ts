import type { ConfigPath } from '../config-path.js';
import type { SourceMap } from '../parse-document.js';

interface Include {
  readonly sourceMap: SourceMap;
  /** Where the included value sits in its own file. */
  readonly address: readonly string[];
}

/**
 * Values included from other files (`${file(…)}`), by config path, so that an error inside one points into that
 * file: the deepest include holding a path locates it in its own file; else the main file does.
 */
export class IncludeLocations {
  private readonly includes = new Map<string, Include>();

  constructor(private readonly main: SourceMap) {}

  add(path: ConfigPath, include: Include): void {
    this.includes.set(path.join('\0'), include);
  }

  locate(path: ConfigPath): ReturnType<SourceMap['locate']> {
    for (let n = path.length; n > 0; n--) {
      const include = this.includes.get(path.slice(0, n).join('\0'));
      if (!include) continue;
      const inner = include.sourceMap.locate([...include.address, ...path.slice(n)]);
      if (inner.line !== undefined) return inner;
      break;
    }
    return this.main.locate(path);
  }
}
