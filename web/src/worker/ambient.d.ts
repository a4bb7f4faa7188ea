/**
 * The core's training loop yields with `setImmediate` where it exists (Node) and a macrotask
 * otherwise (it checks `typeof` first); declared here so the worker typechecks the core without
 * pulling in Node's types.
 */
declare const setImmediate: ((callback: () => void) => void) | undefined;
