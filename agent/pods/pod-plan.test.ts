import { describe, expect, it } from '@jest/globals';
import { planPod } from './pod-plan.js';
import { exited, fakeContainer, fakePod } from './testing/fake-pods.js';

const healthy = () => undefined;
const kinds = (plan: ReturnType<typeof planPod>) => plan.steps.map((s) => `${s.kind}:${'spec' in s ? `${s.ctype}/${s.spec.name}#${s.attempt}` : s.id}`);

describe('planPod', () => {
  const withInit = fakePod({ initContainers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i' }] });

  it('runs init containers one at a time, in order, then the app containers', () => {
    expect(kinds(planPod(withInit, [], healthy))).toEqual(['start:init/a#0']);
    expect(kinds(planPod(withInit, [fakeContainer('a', 0, 'running', { kind: 'init' })], healthy))).toEqual([]);
    expect(kinds(planPod(withInit, [exited('a', 0, 0, 'init')], healthy))).toEqual(['start:init/b#0']);
    expect(kinds(planPod(withInit, [exited('a', 0, 0, 'init'), exited('b', 0, 0, 'init')], healthy))).toEqual(['start:app/main#0']);
  });

  it('retries a failed init container unless restartPolicy is Never, which fails the pod', () => {
    expect(planPod(withInit, [exited('a', 0, 1, 'init')], healthy).restarts.map((r) => r.attempt)).toEqual([1]);
    const never = planPod({ ...withInit, spec: { ...withInit.spec, restartPolicy: 'Never' } }, [exited('a', 0, 1, 'init')], healthy);
    expect(never).toMatchObject({ initFailed: true, restarts: [], steps: [] });
  });

  it.each([
    ['Always', 0, true], ['Always', 1, true], ['OnFailure', 0, false], ['OnFailure', 1, true], ['Never', 1, false],
  ] as const)('restartPolicy %s, exit %d: restart %s', (restartPolicy, code, restart) => {
    const plan = planPod(fakePod({ restartPolicy }), [exited('main', 3, code)], healthy);
    expect(plan.restarts.map((r) => r.attempt)).toEqual(restart ? [4] : []);
  });

  it('starts again an attempt that was created but never started (agent stopped in between)', () => {
    expect(kinds(planPod(fakePod(), [fakeContainer('main', 2, 'created')], healthy))).toEqual(['start:app/main#2']);
  });

  it('kills a running container that failed its liveness probe; leaves healthy ones alone', () => {
    const running = fakeContainer('main', 0, 'running');
    expect(kinds(planPod(fakePod(), [running], healthy))).toEqual([]);
    expect(planPod(fakePod(), [running], () => 'liveness').steps).toEqual([{ kind: 'kill', id: running.id, name: 'main', why: 'liveness' }]);
  });

  it('removes attempts older than the previous one (kept for lastState), also for finished pods', () => {
    const all = [exited('main', 0, 1), exited('main', 1, 1), exited('main', 2, 1), fakeContainer('main', 3, 'running')];
    expect(kinds(planPod(fakePod(), all, healthy))).toEqual([`remove:${all[1].id}`, `remove:${all[0].id}`]);
    const done = fakePod({ restartPolicy: 'Never' });
    done.status = { phase: 'Failed' };
    expect(planPod(done, [], healthy).steps).toEqual([]);
  });
});
