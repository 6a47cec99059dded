// Public entry point of @fraudstream/settings: settings and flags declared once.
export type { SettingsErrorCode } from './errors';
export {
  ConfigError,
  FraudstreamError,
  SETTINGS_ERROR_CODES,
  SettingsError,
  UsageError,
} from './errors';
export type { CliCommand } from './command';
export type { FlagDecl, FlagGroup, ReadFlags } from './read-flags';
export {
  commandHelp,
  flag,
  flagHelpLines,
  flagsTable,
  optionalFlag,
  readFlags,
  switchFlag,
} from './read-flags';
export type { Setting, SettingGroup, SettingSource, SettingType, SettingValues } from './setting';
export {
  alignedLines,
  checkSetting,
  checkSettings,
  declaredDefaults,
  describeValues,
  formatDefault,
  helpLines,
  optionalSetting,
  readGivenSettings,
  readSetting,
  readSettings,
  secretTexts,
  setting,
  settingDescription,
  settingsTable,
  shownValue,
} from './setting';
export { REDACTED, redactText, redactUrl } from './redact';
export { readSettingFile } from './setting-file';
export { secretFileName, withSecretFiles } from './secret-files';
export type { NumberBounds } from './types';
export { bool, hostPortList, int, isoDate, list, num, oneOf, parsedBy, text, url } from './types';
