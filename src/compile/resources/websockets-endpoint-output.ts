import type { ServiceModel } from '../../config/model.js';
import { AWS_REGION, AWS_URL_SUFFIX, join, type CfnOutput } from '../cfn.js';
import { websocketsApiIdValue } from './websockets-api.js';

/** `ServiceEndpointWebsocket`: the `wss://` URL clients connect to. */
export function compileWebsocketsEndpointOutput(model: ServiceModel): CfnOutput {
  return {
    Description: 'URL of the service endpoint',
    Value: join('', [
      'wss://',
      websocketsApiIdValue(model),
      '.execute-api.',
      AWS_REGION,
      '.',
      AWS_URL_SUFFIX,
      `/${model.stage}`,
    ]),
  };
}
