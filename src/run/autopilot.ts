/**
 * The autopilot (`train --autopilot`): when the live doctor confirms a finding it can act on, the
 * run goes back to its last checkpoint from before the trouble began, applies the finding's top
 * remedy, records the intervention, and trains on — at most `maxInterventions` times. Pure over
 * a {@link RunStore}, like the run itself; which findings it acts on is the doctor's policy
 * (`actsOn` in src/doctor).
 */
import { mergeConfig, parseOrThrow, parseSetting, runConfigSchemaFor, type RunConfig } from '../config/index.ts';
import type { DatasetRegistry } from '../data/index.ts';
import { ConfigError } from '../errors.ts';
import { disposeSession, restoreCheckpoint, type FindingRecord, type GanSession, type InterventionRecord } from '../train/index.ts';
import { sessionFromConfig } from './session-from-config.ts';
import type { RunStore } from './store.ts';

/** How many times a run may be turned around by default. */
export const AUTOPILOT_MAX_INTERVENTIONS = 2;

/** What the autopilot may do. */
export interface AutopilotOptions {
  /** At most this many interventions in the run (default {@link AUTOPILOT_MAX_INTERVENTIONS}). */
  maxInterventions?: number;
}

/** `config` with `key=value` settings merged over it, validated (a remedy the run refuses is a ConfigError). */
export function withSettings(config: RunConfig, sets: readonly string[], datasets: DatasetRegistry): RunConfig {
  const { recommended: _kept, ...rest } = config;
  const merged = sets.reduce<Record<string, unknown>>((acc, s) => mergeConfig(acc, parseSetting(s)), rest as unknown as Record<string, unknown>);
  return parseOrThrow(runConfigSchemaFor(datasets), { ...merged, recommended: config.recommended }, 'config with the autopilot\'s remedy');
}

/** What an intervention leaves: the session to train on, its config, and the record written. */
export interface Intervention {
  session: GanSession;
  config: RunConfig;
  record: InterventionRecord;
}

/**
 * Turns a run around after `found`: its top remedy applied to `config`, the session restored
 * from the newest checkpoint at or before the step the trouble began (a remedy that changes the
 * networks, such as packing, cannot load it: then the run starts over from step 0 with the
 * remedy), the records and checkpoints after that step dropped, the intervention appended and
 * the new config written. Everything is validated before the store changes.
 */
export async function intervene(store: RunStore, config: RunConfig, found: FindingRecord, count: number, datasets: DatasetRegistry): Promise<Intervention> {
  const offer = found.remedies[0];
  if (!offer) throw new ConfigError(`the autopilot has no remedy to apply for ${found.pathology}`);
  const next = withSettings(config, offer.sets, datasets);
  const back = [...(await store.listCheckpoints())].reverse().find((s) => s <= found.fromStep);
  let session = sessionFromConfig(next, datasets);
  let step = 0;
  if (back !== undefined) {
    const { location, checkpoint } = await store.latestCheckpoint(back);
    try {
      restoreCheckpoint(session, checkpoint, location);
      step = back;
    } catch {
      // The remedy changed what the checkpoint holds (a packed D, a stabilizer's state, another
      // optimizer's slots): the checkpoint is refused, or fails midway into the session. Start over with it.
      disposeSession(session);
      session = sessionFromConfig(next, datasets);
    }
  }
  const record: InterventionRecord = {
    kind: 'intervention',
    step,
    detectedAt: found.step,
    pathology: found.pathology,
    fromStep: found.fromStep,
    evidence: found.evidence,
    remedy: offer.remedy,
    sets: offer.sets,
    why: offer.why,
    count,
  };
  const { facts } = await store.readConfig();
  await store.truncateRecords(step);
  await store.dropCheckpointsAfter(step);
  await store.append(record);
  await store.writeConfig(next, { ...facts, interventions: count });
  return { session, config: next, record };
}
