export { runConfigSchema, runConfigSchemaFor, modelSchema, CONDITIONS, type RunConfig, type RunConfigInput, type NetworkConfig } from './schema.ts';
export { PRESETS, PRESET_NAMES, definePreset, type Preset } from './presets.ts';
export { resolveConfig, parseSetting, parseConfigText, type ConfigSources } from './resolve.ts';
export { mergeConfig, type JsonObject } from './merge.ts';
export { allRecommendations, describeApplied, recommendationsFor, type AppliedSetting } from './recommend.ts';
export { parseOrThrow } from '../validate.ts';
export { REMEDIES, REMEDY_NAMES, applyRemedy, parseRemedyList, remedyParts, mergeRemedyPatch, remedyLayer, type Remedy, type RemedyName, type RemedyPatch, type RemedyRegistry } from './remedies.ts';
export { configFingerprint, configFieldDigests, changedConfigFields, RESUMABLE_FIELDS } from './fingerprint.ts';
export { checkSizes, estimateSizes, type SizeEstimate } from './sizes.ts';
