/**
 * What leaving out a well-known plugin means for a service under wsgate, so that a checked-out project's
 * developer learns whether anything is missing locally or from the package, and what to do about it.
 */
export interface PluginNote {
  /** Completes "Plugin "x" is not run by wsgate: …". */
  effect: string;
  hint: string;
}

const LOCAL_GATEWAY: PluginNote = {
  effect: 'wsgate dev is the local API Gateway and Lambda it stands in for',
  hint: 'Nothing to do: run wsgate dev instead of serverless offline.',
};

const LOCAL_DYNAMODB: PluginNote = {
  effect: 'wsgate dev runs the DynamoDB tables of resources itself, and points the handlers\' SDKs at them',
  hint: 'Nothing to do; see the DynamoDB: line of wsgate dev for the endpoint.',
};

const PLUGIN_NOTES: Record<string, PluginNote> = {
  'serverless-offline': LOCAL_GATEWAY,
  'serverless-dynamodb-local': LOCAL_DYNAMODB,
  'serverless-dynamodb': LOCAL_DYNAMODB,
  'serverless-python-requirements': {
    effect:
      'wsgate dev imports the packages of requirements.txt from the Python that runs the handlers, and wsgate package leaves them out of the zip',
    hint: 'Install them into that Python (pip install -r requirements.txt, or a virtualenv whose python custom.wsgate.python names); deploy with Serverless Framework to bundle them.',
  },
  'serverless-iam-roles-per-function': {
    effect: 'IAM is not enforced locally, and wsgate package writes only the shared role (no per-function roles)',
    hint: 'Deploy with Serverless Framework to get the per-function roles.',
  },
  'serverless-domain-manager': {
    effect: 'no custom domain is created; wsgate dev answers on 127.0.0.1 and the stage URL it prints',
    hint: 'Connect to the WebSocket URL wsgate dev prints; deploy with Serverless Framework to create the domain.',
  },
  'serverless-prune-plugin': {
    effect: 'it only removes old Lambda versions from AWS',
    hint: 'Nothing to do locally.',
  },
};

export function pluginNote(name: string): PluginNote | undefined {
  return Object.hasOwn(PLUGIN_NOTES, name) ? PLUGIN_NOTES[name] : undefined;
}
