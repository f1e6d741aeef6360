import path from 'node:path';

export interface HandlerReference {
  /** The handler string as written (`src/handlers/chat.obj.fn`). */
  handler: string;
  /** The module name Lambda looks for, without extension (`chat`). */
  moduleName: string;
  /** Absolute path of the module without extension (`<serviceDir>/src/handlers/chat`). */
  modulePath: string;
  /** The property path inside the module (`obj.fn`). */
  exportPath: string;
}

export type ParsedHandler = { ok: true; reference: HandlerReference } | { ok: false; message: string; hint: string };

/**
 * Split a handler string the way Lambda's Node.js runtime does: the folder part, then `module.export.path`
 * where the module name stops at the first dot of the last path segment.
 */
export function parseHandler(handler: string, serviceDir: string): ParsedHandler {
  const lastSegment = path.posix.basename(handler);
  const folder = handler.slice(0, handler.length - lastSegment.length);
  const match = /^([^.]*)\.(.*)$/.exec(lastSegment);
  if (!match || match[1] === '' || match[2] === '') {
    return {
      ok: false,
      message: `handler '${handler}' is not of the form 'path/to/file.exportName'`,
      hint: "Write the file path without extension, a dot, then the exported function's name, e.g. 'src/handler.connect'.",
    };
  }
  const modulePath = path.resolve(serviceDir, folder, match[1]!);
  const relative = path.relative(serviceDir, modulePath);
  if (handler.includes('..') || path.isAbsolute(handler) || relative.startsWith('..') || path.isAbsolute(relative)) {
    return {
      ok: false,
      message: `handler '${handler}' points outside the service folder ${serviceDir}`,
      hint: 'Lambda loads handlers from the deployment package only: move the file under the service folder and give its path relative to it.',
    };
  }
  return { ok: true, reference: { handler, moduleName: match[1]!, modulePath, exportPath: match[2]! } };
}
