import type { RequestRecord } from './request-record.js';

export type ExecutionLogLevel = 'INFO' | 'ERROR';

export interface ExecutionLogLine {
  level: ExecutionLogLevel;
  text: string;
}

export interface ExecutionLogSettings {
  level: ExecutionLogLevel;
  fullExecutionData: boolean;
  region: string;
  accountId: string;
  /** Function key → deployed Lambda name, for the endpoint URI line. */
  functionName(functionKey: string): string;
}

/**
 * The execution log lines of one request, modelled on API Gateway's (each prefixed with the request id in
 * parentheses). ERROR keeps only the failure lines; bodies appear only with full execution data.
 */
export function renderExecutionLog(record: RequestRecord, settings: ExecutionLogSettings): ExecutionLogLine[] {
  const lines = collectExecutionLines(record, settings);
  return lines
    .filter((line) => settings.level === 'INFO' || line.level === 'ERROR')
    .map((line) => ({ level: line.level, text: `(${record.requestId}) ${line.text}` }));
}

function collectExecutionLines(record: RequestRecord, settings: ExecutionLogSettings): ExecutionLogLine[] {
  const lines: ExecutionLogLine[] = [];
  const info = (text: string) => lines.push({ level: 'INFO', text });
  const error = (text: string) => lines.push({ level: 'ERROR', text });

  info(`Extended Request Id: ${record.extendedRequestId}`);
  info(`Starting execution for request: ${record.requestId}`);
  info(`WebSocket Request Route: [${record.routeKey}]`);
  if (record.eventType === 'MESSAGE' && settings.fullExecutionData && record.requestBody !== undefined) {
    info(`Method request body before transformations: ${record.requestBody}`);
  }

  // Only CONNECT runs the authorizer; later records may carry the connection's principal without a step.
  const auth = record.eventType === 'CONNECT' && record.authorizer?.status !== undefined ? record.authorizer : undefined;
  if (auth) {
    if (auth.status === 200) {
      info(`Lambda authorizer completed with status: 200, latency: ${Math.round(auth.latency ?? 0)} ms, principalId: ${auth.principalId ?? '-'}`);
      if (settings.fullExecutionData && auth.context && Object.keys(auth.context).length > 0) {
        info(`Authorizer context: ${JSON.stringify(auth.context)}`);
      }
    } else if (auth.status === 401) {
      error(`Unauthorized request: ${record.requestId}${auth.error ? ` (${auth.error})` : ''}`);
    } else if (auth.status === 403) {
      error(`The client is not authorized to perform this operation.${auth.error ? ` (${auth.error})` : ''}`);
    } else {
      error(`Execution failed due to configuration error: ${auth.error ?? 'authorizer error'}`);
    }
  }

  if (record.functionKey !== undefined) {
    const name = settings.functionName(record.functionKey);
    info(
      `Endpoint request URI: https://lambda.${settings.region}.amazonaws.com/2015-03-31/functions/` +
        `arn:aws:lambda:${settings.region}:${settings.accountId}:function:${name}/invocations`,
    );
    const integration = record.integration;
    if (integration) {
      if (integration.requestId) info(`AWS Integration Endpoint RequestId : ${integration.requestId}`);
      // The function's statusCode; Lambda's own 200 when it gave none (the result of $disconnect is ignored).
      info(`Received response. Status: ${integration.status ?? 200}, Integration latency: ${Math.round(integration.latency ?? 0)} ms`);
      if (integration.error) error(`Lambda execution failed with status 200 due to customer function error: ${integration.error}`);
    }
  }
  if (settings.fullExecutionData && record.responseBody !== undefined) {
    info(`Method response body after transformations: ${record.responseBody}`);
  }
  if (record.eventType === 'DISCONNECT' && record.disconnectStatusCode !== undefined) {
    info(`Connection closed with status code: ${record.disconnectStatusCode}${record.disconnectReason ? `, reason: ${record.disconnectReason}` : ''}`);
  }
  if (record.error && !auth?.error && !record.integration?.error) {
    error(`Execution failed: ${record.error.message}`);
  }
  lines.push({ level: record.status >= 400 ? 'ERROR' : 'INFO', text: `Method completed with status: ${record.status}` });
  return lines;
}
