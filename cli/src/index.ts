// Public entry point of @fraudstream/cli: the `fraudstream` command.
export { main } from './main';
export type { LazyCommand } from './commands';
export { COMMANDS } from './commands';
