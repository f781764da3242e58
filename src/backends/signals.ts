/**
 * Catching POSIX signals: the ones a program may catch, and the one path through which
 * every backend installs handlers, which counts them (for the test harness's leak
 * check). Their numbers are in signal-numbers.ts.
 *
 * @module
 */

/**
 * The signals a program can catch on every runtime. SIGKILL and SIGSTOP cannot be
 * caught at all, and SIGSEGV, SIGBUS, SIGFPE and SIGILL report faults of the runtime
 * itself, which no runtime lets JavaScript handle.
 */
export const CATCHABLE_SIGNALS = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGTRAP",
  "SIGABRT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
  "SIGCHLD",
  "SIGCONT",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGSYS",
] as const;

/** The name of a signal a program can catch, such as `"SIGTERM"`. */
export type SignalName = typeof CATCHABLE_SIGNALS[number];

/** How many signal handlers backends have installed and not removed yet. */
export const installedSignalHandlers = { count: 0 };

/**
 * Installs `handler` for each of `signals` with the runtime's `add`, and returns the
 * function that removes them with `remove` (once, however often it is called). Every
 * backend's onSignals goes through here, so the count above covers them all.
 */
export function installSignalHandlers(
  signals: readonly SignalName[],
  handler: (signal: SignalName) => void,
  add: (signal: SignalName, listener: () => void) => void,
  remove: (signal: SignalName, listener: () => void) => void,
): () => void {
  const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
  for (const [signal, listener] of listeners) add(signal, listener);
  installedSignalHandlers.count += listeners.length;
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const [signal, listener] of listeners) remove(signal, listener);
    installedSignalHandlers.count -= listeners.length;
  };
}
