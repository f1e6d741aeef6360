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
  'go1.x': { deprecated: '2024-01-08', successor: 'provided.al2023' },
  'provided': { deprecated: '2024-01-08', successor: 'provided.al2023' },
  'java8': { deprecated: '2024-01-08', successor: 'java21' },
  'ruby2.5': { deprecated: '2021-07-30', successor: 'ruby3.3' },
  'ruby2.7': { deprecated: '2023-12-07', successor: 'ruby3.3' },
  'dotnetcore2.1': { deprecated: '2022-01-05', successor: 'dotnet8' },
  'dotnetcore3.1': { deprecated: '2023-04-03', successor: 'dotnet8' },
  'dotnet6': { deprecated: '2024-12-20', successor: 'dotnet8' },
  'dotnet7': { deprecated: '2024-05-14', successor: 'dotnet8' },
};
