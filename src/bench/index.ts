/** The src/bench folder's door for other folders (created by scripts/fix-doors.ts). */
export { BENCH_MODELS, type BenchModel, benchSession } from './models.ts';
