import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/index.ts';
import { diagnosisTimeline, SEVERITY_COLORS } from '../../src/report/index.ts';
import { syntheticSteps } from './fixtures.ts';
import { compileChecked, dataOf } from './spec-helpers.ts';

const finding = (over: Partial<Finding>): Finding => ({ pathology: 'healthy', severity: 'info', fromStep: 0, evidence: {}, explanation: '', remedies: [], ...over });

describe('diagnosisTimeline', () => {
  it('one bar per finding from its first step to its last (or the run\'s end), coloured by severity, compiling without warnings', () => {
    const steps = syntheticSteps(1000, 'logit');
    const findings = [finding({ pathology: 'vanishing-gradients', severity: 'critical', fromStep: 300 }), finding({ pathology: 'discriminator-overfitting', severity: 'warning', fromStep: 200, toStep: 400 })];
    const spec = diagnosisTimeline(steps, findings);
    const { warnings } = compileChecked(spec);
    expect(warnings).toEqual([]);
    const bars = dataOf(spec).find((values) => values.some((v) => 'severity' in v))!;
    expect(bars).toEqual([
      { label: '1. vanishing-gradients', from: 300, to: 1000, severity: 'critical', color: SEVERITY_COLORS.critical, note: 'from step 300' },
      { label: '2. discriminator-overfitting', from: 200, to: 400, severity: 'warning', color: SEVERITY_COLORS.warning, note: 'from step 200 to 400' },
    ]);
  });

  it('draws a healthy run with no steps at all', () => {
    expect(compileChecked(diagnosisTimeline([], [finding({})])).warnings).toEqual([]);
  });
});
