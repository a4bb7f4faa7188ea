/**
 * The GAN doctor: detectors over a run's records that name a pathology, when it began, the numbers
 * that show it, and the config changes that address it. Pure — no tensors, no Node — so it reads a
 * finished run, a live one, or one in the browser. This file is the folder's only public door.
 */
export { diagnose, diagnosisContext } from './diagnose.ts';
export { toRunRecords } from './records.ts';
export { LiveDoctor, actsOn, findingRecord, LIVE_DOCTOR_DEFAULTS, type LiveDoctorOptions } from './live.ts';
export { formatFinding } from './format.ts';
export { DETECTORS, healthyFinding, type Detector } from './detectors.ts';
export { offerRemedies, remedySettings, DOCTOR_REMEDIES, DOCTOR_CHANGES, type DoctorRemedyName } from './remedies.ts';
export { splitRecords, persistentOnset, episodes, rollingMedian, type RunSeries, type Episode } from './series.ts';
export * as thresholds from './thresholds.ts';
export { PATHOLOGIES, type Pathology, type Severity, type Finding, type RemedyOffer, type DiagnosisContext, type RunRecord, type DivergedRecord } from './types.ts';
