/**
 * The test registry: `test()` and `describe()` record cases; test/main.ts runs them.
 *
 * @module
 */

/** Where a test body runs. */
export interface TestOptions {
  /**
   * Run the body outside `run()`, in the implicit root (default: inside a fresh
   * `run()` with the backend under test).
   */
  outsideRun?: boolean;
}

export interface TestCase {
  readonly name: string;
  readonly fn: () => unknown;
  readonly options: TestOptions;
}

export const cases: TestCase[] = [];
const prefixes: string[] = [];

/**
 * Records a test. The body runs inside `run()` with each backend the runtime offers;
 * the runner fails it if it throws, hangs, or leaves a task or timer behind.
 */
export function test(name: string, fn: () => unknown, options: TestOptions = {}): void {
  cases.push({ name: [...prefixes, name].join(" > "), fn, options });
}

/** Groups tests under a common name prefix. */
export function describe(name: string, body: () => void): void {
  prefixes.push(name);
  try {
    body();
  } finally {
    prefixes.pop();
  }
}
