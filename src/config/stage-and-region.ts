import { DEFAULT_REGION, DEFAULT_STAGE } from './defaults.js';

type CliOptions = Readonly<Record<string, string | boolean>>;

/** As Serverless: `--stage`, else `provider.stage`, else `dev`. Empty text counts as not given. */
export function chooseStage(options: CliOptions, providerStage: unknown): string {
  return nonEmptyString(options.stage) ?? nonEmptyString(providerStage) ?? DEFAULT_STAGE;
}

/** As Serverless: `--region`, else `provider.region`, else `us-east-1`. */
export function chooseRegion(options: CliOptions, providerRegion: unknown): string {
  return nonEmptyString(options.region) ?? nonEmptyString(providerRegion) ?? DEFAULT_REGION;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
