/**
 * The training worker: receives {@link Command}s, runs them through the engine one at a time and
 * posts its {@link WorkerEvent}s. Commands are serialized so a settings change never interleaves
 * with a half-handled one; the play loop yields between chunks, so pause and edits get through.
 */
/// <reference lib="webworker" />
import type { Command, WorkerEvent } from '../protocol.ts';
import { createEngine } from './engine.ts';

declare const self: DedicatedWorkerGlobalScope;

const engine = createEngine((event: WorkerEvent) => self.postMessage(event), {
  // The build copies tfjs's .wasm files next to this script (see vite.config.ts).
  wasmDir: new URL('./tfjs/', import.meta.url).href,
});

let queue: Promise<void> = Promise.resolve();
self.onmessage = (message: MessageEvent<Command>) => {
  const command = message.data;
  // Play returns at once (its loop runs in the background) so later commands are not held up by it.
  queue = queue.then(() => engine.handle(command));
};
