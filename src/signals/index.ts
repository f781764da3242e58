/**
 * Signals: receiving the POSIX signals sent to this process.
 *
 * @module
 */
export { openSignalReceiver, SignalReceiver } from "./signal-receiver.ts";
