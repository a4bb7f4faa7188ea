import type { Rng } from '../tensor/index.ts';
import type { Layer, LayerFactory, Module } from './module.ts';

/**
 * Chains layers. Each layer is built on the shape the previous one outputs and named
 * `<name>/<kind><index>` (e.g. `D/dense0`), which is also how its parameters are named.
 *
 * @example
 * const D = sequential('D', [2], [dense(128), activation('leakyRelu'), dense(1)], rng);
 */
export function sequential(name: string, inputShape: number[], factories: readonly LayerFactory[], rng: Rng): Layer {
  const layers: Layer[] = [];
  let shape = inputShape;
  const counts = new Map<string, number>();
  for (const factory of factories) {
    const index = counts.get(factory.kind) ?? 0;
    counts.set(factory.kind, index + 1);
    const layer = factory.build(shape, rng, `${name}/${factory.kind}${index}`);
    layers.push(layer);
    shape = layer.outputShape;
  }
  return {
    name,
    params: layers.flatMap((l) => l.params),
    buffers: layers.flatMap((l) => l.buffers),
    outputShape: shape,
    apply(x, ctx) {
      let h = x;
      for (const layer of layers) {
        h = layer.apply(h, ctx);
        if (ctx.record && layer.params.length > 0) ctx.record(layer.name, h);
      }
      return h;
    },
  };
}

/** Wraps a built module as a factory, so built networks nest inside `sequential`. */
export function asFactory(kind: string, module: Module, outputShape: number[]): LayerFactory {
  return { kind, build: () => ({ ...module, outputShape }) };
}
