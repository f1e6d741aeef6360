import { VariableSourceError, type VariableSource } from '../source.js';

/** `${sls:stage}` (`--stage`, provider.stage or `dev`) and `${sls:instanceId}` (one id per load). */
export const resolveSlsSource: VariableSource = ({ address }, ctx) => {
  switch (address) {
    case 'stage':
      return ctx.resolveStage();
    case 'instanceId':
      return ctx.instanceId;
    case undefined:
    case '':
      throw new VariableSourceError('MISSING_SLS_SOURCE_ADDRESS', 'Missing address argument in variable "sls" source', 'Write ${sls:stage} or ${sls:instanceId}.');
    default:
      throw new VariableSourceError(
        'UNSUPPORTED_SLS_SOURCE_ADDRESS',
        `Unsupported "${address}" address argument in variable "sls" source`,
        'The "sls" source knows "stage" and "instanceId".',
      );
  }
};
