// `@fraudstream/schemas/cli`: the `fraudstream schemas` subcommand, apart from the contracts the
// worker loads.
export {
  SCHEMAS_CHECK_FLAGS,
  SCHEMAS_CODEGEN_FLAGS,
  SCHEMAS_SUBCOMMANDS,
  schemasCommand,
} from './schemas-command';
export { SCHEMAS_DEMO_FLAGS, SCHEMAS_DEMO_SETTINGS } from './schemas-demo';
