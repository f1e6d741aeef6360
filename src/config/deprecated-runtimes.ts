/**
 * Lambda runtimes AWS has deprecated, with the deprecation date of AWS's "Deprecated runtimes" table
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) and the runtime to move to.
 * A runtime is only reported once its date has passed, so upcoming dates can be listed ahead.
 */
export interface RuntimeDeprecation {
  /** YYYY-MM-DD */
  readonly deprecated: string;
  /** What AWS blocks after it, where the table gives dates. */
  readonly blocked?: string;
  readonly successor: string;
}

const node = (deprecated: string, blocked?: string): RuntimeDeprecation => ({ deprecated, blocked, successor: 'nodejs22.x or nodejs24.x' });
const python = (deprecated: string): RuntimeDeprecation => ({ deprecated, successor: 'python3.12 or python3.13' });
const java = (deprecated: string): RuntimeDeprecation => ({ deprecated, successor: 'java21' });
const ruby = (deprecated: string): RuntimeDeprecation => ({ deprecated, successor: 'ruby3.4' });
const dotnet = (deprecated: string): RuntimeDeprecation => ({ deprecated, successor: 'dotnet10' });
const osOnly = (deprecated: string): RuntimeDeprecation => ({ deprecated, successor: 'provided.al2023' });

/**
 * Checked in December 2026 against https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html: its
 * "Deprecated runtimes" table, the projected dates of its "Supported runtimes" table for the runtimes whose date
 * has passed since (python3.10/3.11, java8.al2/11/17, provided.al2 on 2026-06-30, ruby3.2 on 2026-03-31, dotnet8
 * on 2026-11-10; read from tflint-ruleset-aws's deprecated-runtime rule, which copies that page), and the page's
 * earlier "Runtime support policy" list for .NET Core 1.0 and 2.0. Projected dates move (python3.9 was put off
 * from 2025-10-31 to 2025-12-15), so only dates that have passed are listed.
 */
export const DEPRECATED_RUNTIMES: Readonly<Record<string, RuntimeDeprecation>> = {
  'nodejs': node('2016-10-31'),
  'nodejs4.3': node('2020-03-05'),
  'nodejs4.3-edge': node('2020-04-30'),
  'nodejs6.10': node('2019-08-12'),
  'nodejs8.10': node('2020-03-06'),
  'nodejs10.x': node('2021-07-30'),
  'nodejs12.x': node('2023-03-31'),
  'nodejs14.x': node('2023-12-04', 'creating functions was blocked from 2024-01-09, updating them from 2024-02-08'),
  'nodejs16.x': node('2024-06-12'),
  'nodejs18.x': node('2025-09-01'),
  'nodejs20.x': node('2026-04-30'),
  'python2.7': python('2021-07-15'),
  'python3.6': python('2022-07-18'),
  'python3.7': python('2023-12-04'),
  'python3.8': python('2024-10-14'),
  'python3.9': python('2025-12-15'),
  'python3.10': python('2026-06-30'),
  'python3.11': python('2026-06-30'),
  'java8': java('2024-01-08'),
  'java8.al2': java('2026-06-30'),
  'java11': java('2026-06-30'),
  'java17': java('2026-06-30'),
  'go1.x': osOnly('2024-01-08'),
  'provided': osOnly('2024-01-08'),
  'provided.al2': osOnly('2026-06-30'),
  'ruby2.5': ruby('2021-07-30'),
  'ruby2.7': ruby('2023-12-07'),
  'ruby3.2': ruby('2026-03-31'),
  'dotnetcore1.0': dotnet('2019-07-30'),
  'dotnetcore2.0': dotnet('2019-05-30'),
  'dotnetcore2.1': dotnet('2022-01-05'),
  'dotnetcore3.1': dotnet('2023-04-03'),
  'dotnet5.0': dotnet('2022-05-10'),
  'dotnet6': dotnet('2024-12-20'),
  'dotnet7': dotnet('2024-05-14'),
  'dotnet8': dotnet('2026-11-10'),
};
