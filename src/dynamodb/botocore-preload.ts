import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * botocore reads AWS_ENDPOINT_URL_<SERVICE> from 1.31 on; older ones (Debian 12's 1.29, for one) ignore it. A
 * `sitecustomize` on PYTHONPATH makes them honour it, so boto3 code reaches the embedded endpoint unchanged.
 */
const SITECUSTOMIZE_SOURCE = `# Written by wsgate dev: botocore before 1.31 ignores AWS_ENDPOINT_URL_<SERVICE>; this applies it.
import os


def _wsgate_endpoint_urls():
    if not any(name.startswith('AWS_ENDPOINT_URL_') for name in os.environ):
        return
    try:
        import botocore
        import botocore.session
    except Exception:
        return
    try:
        if tuple(int(part) for part in botocore.__version__.split('.')[:2]) >= (1, 31):
            return
    except ValueError:
        return
    create_client = botocore.session.Session.create_client

    def with_endpoint(self, service_name, *args, **kwargs):
        if kwargs.get('endpoint_url') is None and len(args) < 5:
            url = os.environ.get('AWS_ENDPOINT_URL_' + service_name.upper().replace('-', '_'))
            if url:
                kwargs['endpoint_url'] = url
        return create_client(self, service_name, *args, **kwargs)

    botocore.session.Session.create_client = with_endpoint


_wsgate_endpoint_urls()
`;

/** Writes the `sitecustomize.py` into the service's `.wsgate/` folder; answers the folder for PYTHONPATH. */
export async function writeBotocorePreload(wsgateDir: string): Promise<string> {
  const dir = path.join(wsgateDir, 'python-endpoint-urls');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'sitecustomize.py'), SITECUSTOMIZE_SOURCE);
  return dir;
}
