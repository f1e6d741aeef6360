import type { Command } from 'commander';
import { collectCliOptions } from '../free-options.js';

export interface DevOptions {
  port: string;
  host: string;
  stage?: string;
  region?: string;
  config?: string;
  watch: boolean;
  idleTimeout?: string;
  maxDuration?: string;
  integrationTimeout?: string;
  verifySignatures?: boolean;
  /** `--env KEY=VALUE`, repeatable: extra variables of every handler process. */
  env: string[];
  /** false with --no-dynamodb. */
  dynamodb: boolean;
  dynamodbPort?: string;
  resetData?: boolean;
  /** `--no-inspector` sets false. */
  inspector: boolean;
  /** `--inspect` alone is true; `--inspect=9300` the port. */
  inspect?: boolean | string;
  scale: string;
  /** `--redis <url>`: serve the stage with the other gateways of that Redis. */
  redis?: string;
  /** `--workers <n>`: that many gateway processes behind one port. */
  workers?: string;
}

export function registerDevCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('dev')
    .description('Run the service locally as an API Gateway WebSocket API, invoking its handlers')
    .option('-p, --port <port>', 'port of the WebSocket gateway and @connections', '3001')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-s, --stage <stage>', 'stage (default: provider.stage or dev)')
    .option('-r, --region <region>', 'region (default: provider.region or us-east-1)')
    .option('-c, --config <file>', 'configuration file (default: serverless.yml in the current folder)')
    .option('--no-watch', 'do not reload handlers when their files change, nor the gateway when serverless.yml or .env changes')
    .option('--idle-timeout <seconds>', 'close connections idle this long, 0 = never (AWS: 600)')
    .option('--max-duration <seconds>', 'close connections open this long, 0 = never (AWS: 7200)')
    .option('--integration-timeout <seconds>', 'cut invocations after this long (AWS: 29)')
    .option('--verify-signatures', 'require SigV4-signed @connections requests (credentials: the handlers\' and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)')
    .option('--env <KEY=VALUE>', 'set a variable in every handler process (repeatable; wins over serverless.yml)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--no-dynamodb', 'do not start the embedded DynamoDB endpoint for the service\'s tables (AWS_ENDPOINT_URL_DYNAMODB set in the shell does the same, with your endpoint)')
    .option('--dynamodb-port <port>', 'port of the embedded DynamoDB endpoint (default 8000, or a free one when 8000 is taken)')
    .option('--reset-data', 'start the embedded DynamoDB tables empty (drops .wsgate/dynamodb)')
    .option('--no-inspector', 'do not serve the inspector page at http://127.0.0.1:<port>/_wsgate/')
    .option('--inspect [port]', 'start handler instances with the Node inspector (one per function), from this port (default 9229; 0: a free port each)')
    .option('--scale <mode>', "how handler instances scale: 'packing' (reuse a busy instance briefly before starting another) or 'lambda' (a new instance at once for each concurrent invocation, as Lambda does)", 'packing')
    .option('--redis <url>', 'serve this stage together with the other wsgate gateways using this Redis (also WSGATE_REDIS_URL or custom.wsgate.redis; docs/scale-out.md)')
    .option('--workers <n>', 'run n gateway processes behind one port, sharing --redis or an embedded redis-server (docs/scale-out.md)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', "\nAny other --name value option is available to ${opt:name}.\n--var 'ssm:/app/key=value' (repeatable) gives an AWS-only variable its local value (docs/configuration.md).")
    .action(async (options: DevOptions, command: Command) => {
      // The gateway's modules load only for this command, so that print and package start fast.
      const { default: cluster } = await import('node:cluster');
      if (options.workers !== undefined && cluster.isPrimary) {
        const { runDevWorkers } = await import('./dev-workers.js');
        setExitCode(await runDevWorkers(options, collectCliOptions(command.args, options), process.argv.slice(2)));
        return;
      }
      const { runDev } = await import('./dev-run.js');
      setExitCode(await runDev(options, collectCliOptions(command.args, options)));
    });
}

