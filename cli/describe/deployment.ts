/** kubectl describe deployment. */
import type { Deployment } from '../../api/types/apps.js';
import { formatLabelSelector } from '../../api/printers/helpers.js';
import type { DescribeWriter } from './writer.js';
import { describePodTemplate } from './container.js';
import { describeConditions } from './conditions.js';

export function describeDeployment(w: DescribeWriter, d: Deployment): void {
  const spec = d.spec;
  const st = d.status ?? {};
  w.line(0, 'Selector:', formatLabelSelector(spec?.selector));
  w.line(
    0,
    'Replicas:',
    `${spec?.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ` +
      `${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
  );
  const strategy = spec?.strategy?.type ?? 'RollingUpdate';
  w.line(0, 'StrategyType:', strategy);
  w.line(0, 'MinReadySeconds:', String(spec?.minReadySeconds ?? 0));
  if (strategy === 'RollingUpdate') {
    const ru = spec?.strategy?.rollingUpdate ?? {};
    w.line(0, 'RollingUpdateStrategy:', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
  }
  describePodTemplate(w, spec?.template);
  describeConditions(w, st.conditions);
}
