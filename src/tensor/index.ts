export { Rng, hashString, type RngState } from './rng.ts';
export { useBackend, cpuCandidate, BACKEND_NAMES, type BackendName, type BackendCandidate, type BackendChoice, type BackendDetails } from './backend.ts';
export { installGradientFixes } from './gradient-fixes.ts';
export { wasmCandidate } from './wasm.ts';
export { Sha256, sha256Hex, canonicalJson, utf8 } from './digest.ts';
export { base64, fromBase64, unitToBytes } from './base64.ts';
