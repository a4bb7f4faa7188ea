import { z } from 'zod';
import { ConfigError } from '../errors.ts';

/**
 * The config schema of `optim.game`: how the two players' updates are combined in one step.
 * - `alternating` (default): D's `dStepsPerG` updates, then G's update at D's new weights.
 * - `simultaneous`: both players' gradients at the same weights, then both updates.
 * - `extragradient`: gradients at the weights, a plain gradient step to extrapolated weights,
 *   gradients there, back to the weights, then both updates with the extrapolated gradients
 *   (Korpelevich 1976; Gidel et al. 2019).
 * - `consensus`: simultaneous updates on each player's loss plus γ·½‖v‖², v the concatenated
 *   players' gradients (Mescheder, Nowozin & Geiger 2017, "The Numerics of GANs").
 */
export const gameSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('alternating') }),
  z.strictObject({ name: z.literal('simultaneous') }),
  z.strictObject({ name: z.literal('extragradient') }),
  z.strictObject({
    name: z.literal('consensus'),
    /** Weight γ of the consensus term ½‖v‖² (the paper uses 10). */
    gamma: z.number().positive().default(10),
  }),
]);

/** A validated game-scheme config. */
export type GameConfig = z.output<typeof gameSchema>;

/** Every game scheme name, in the schema's order. */
export const GAME_SCHEME_NAMES = ['alternating', 'simultaneous', 'extragradient', 'consensus'] as const satisfies readonly GameConfig['name'][];

/**
 * Refuses a scheme that cannot take `dStepsPerG` D steps per G step: every scheme but
 * `alternating` updates both players once from one evaluation each. The {@link ConfigError} names
 * `optim.game.name` and says what to change.
 */
export function checkGameScheme(game: GameConfig, dStepsPerG: number): void {
  if (game.name === 'alternating' || dStepsPerG === 1) return;
  const field = 'optim.game.name';
  const message = `'${game.name}' updates each player once per step, but dStepsPerG is ${dStepsPerG}; set dStepsPerG to 1 or optim.game.name to 'alternating'`;
  throw new ConfigError(`invalid config:\n  ${field}: ${message}`, [{ field, message, received: game.name }]);
}
