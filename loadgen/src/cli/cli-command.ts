/** A `fraudstream` subcommand, structurally the CLI's own CliCommand (loadgen cannot import workers). */
export interface LoadgenCliCommand {
  /** The word typed after `fraudstream`. */
  readonly name: string;
  /** One line for `fraudstream --help`. */
  readonly summary: string;
  /** Runs with the arguments after the name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
