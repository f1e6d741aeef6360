/** What `useDotenv` and `provider.stage` resolved to before the rest, with the environment they were read with. */
export interface EarlyValues {
  useDotenv: unknown;
  stage: string;
  /** The variables those two values looked up and did not find. */
  missingEnv: ReadonlySet<string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `base` as it is, noting each name that is read and has no value (unset or empty) in `missing`. */
export function noteMissingNames(base: Env): { env: Env; missing: Set<string> } {
  const missing = new Set<string>();
  const env = new Proxy(base, {
    get(target, name) {
      const value = Reflect.get(target, name) as string | undefined;
      if (typeof name === 'string' && !value) missing.add(name);
      return value;
    },
  });
  return { env, missing };
}
