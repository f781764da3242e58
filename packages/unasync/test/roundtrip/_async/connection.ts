/**
 * A connection to a pretend server that answers every message in capitals: a resource
 * that must be closed, for `await using`.
 *
 * @module
 */

/**
 * An open connection; it records what happens to it in `log`.
 *
 * @example
 * ```ts
 * await using connection = await AsyncConnection.open([]);
 * console.log(await connection.send("hi")); // "HI"
 * ```
 */
export class AsyncConnection implements AsyncDisposable {
  readonly log: string[];
  #open = true;

  private constructor(log: string[]) {
    this.log = log;
    log.push("open");
  }

  /** Opens a connection. */
  static async open(log: string[]): Promise<AsyncConnection> {
    return new AsyncConnection(log);
  }

  /** Sends `message` and returns the answer. */
  async send(message: string): Promise<string> {
    if (!this.#open) throw new Error("send on a closed connection");
    if (message === "") throw new RangeError("message must not be empty");
    this.log.push(`send ${message}`);
    return message.toUpperCase();
  }

  /** Closes the connection; closing it again does nothing. */
  async aclose(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.log.push("close");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.aclose();
  }
}

/**
 * Opens a connection, sends every message in turn and closes it again, also when a
 * send fails. Returns the answers.
 *
 * @example
 * ```ts
 * console.log(await exchange([], ["a", "b"])); // ["A", "B"]
 * ```
 */
export async function exchange(log: string[], messages: readonly string[]): Promise<string[]> {
  await using connection = await AsyncConnection.open(log);
  const answers: string[] = [];
  for (const message of messages) answers.push(await connection.send(message));
  return answers;
}
