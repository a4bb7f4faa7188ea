import { ConfigError } from '../../src/errors.ts';

/** Runs `fn` and returns the error of `type` it throws; fails the test if it throws nothing or something else. */
export function errorOf<E extends Error>(type: new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected a ${type.name}`);
}

/** Runs `fn` and returns the ConfigError it throws; fails the test if it throws nothing or something else. */
export const configErrorOf = (fn: () => unknown): ConfigError => errorOf(ConfigError, fn);
