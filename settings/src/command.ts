/** A `fraudstream` subcommand; packages export these and @fraudstream/cli composes them. */
export interface CliCommand {
  /** The word typed after `fraudstream`. */
  readonly name: string;
  /** One line for `fraudstream --help`. */
  readonly summary: string;
  /** Runs with the arguments after the name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
