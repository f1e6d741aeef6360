import http from 'node:http';

export interface DynamoResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Any signature will do for the local store; it checks that one is there, not what it says. */
const LOCAL_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=wsgate/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/** A small client of the DynamoDB JSON protocol for the embedded store's own calls (tables, images around writes). */
export class DynamoHttp {
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(private readonly port: number) {}

  /** Sends a request as received (the proxy's pass-through). */
  forward(method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<DynamoResponse> {
    const forwarded = { ...headers, host: `127.0.0.1:${this.port}`, 'content-length': String(body.length) };
    delete forwarded.connection;
    delete forwarded['transfer-encoding'];
    return this.send(method, url, forwarded, body);
  }

  /** Calls an operation; resolves with the parsed answer, rejects with the DynamoDB error it returned. */
  async call<T = Record<string, unknown>>(operation: string, input: unknown): Promise<T> {
    const body = Buffer.from(JSON.stringify(input));
    const response = await this.send('POST', '/', {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': '20260101T000000Z',
      authorization: LOCAL_AUTHORIZATION,
      'content-length': String(body.length),
    }, body);
    const parsed = response.body.length > 0 ? (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>) : {};
    if (response.status !== 200) {
      const type = String(parsed.__type ?? 'UnknownError').split('#').pop()!;
      throw Object.assign(new Error(`${operation}: ${type}: ${String(parsed.message ?? parsed.Message ?? '')}`), { type });
    }
    return parsed as T;
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, url: string, headers: http.OutgoingHttpHeaders, body: Buffer): Promise<DynamoResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: this.port, method, path: url, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 500, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }
}
