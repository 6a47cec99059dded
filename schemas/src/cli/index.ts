// `@fraudstream/schemas/cli`: the `fraudstream schemas` subcommand, apart from the contracts the
// worker loads.
export { schemasCommand } from './schemas-command';
