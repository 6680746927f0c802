/** Pod and container securityContext: known fields, id ranges, profile shapes. */
import { invalid, required, type FieldError } from '../errors.js';
import { validateKnownFields } from '../validation/common.js';
import { CONTAINER_SECURITY_CONTEXT_FIELDS, POD_SECURITY_CONTEXT_FIELDS } from './pod-fields.js';
import { child, index, optArray, optBool, optEnum, optInt, optObject, optString, optStringList, type Fields, requiredBecause } from './util.js';

const MAX_ID = 2147483647;
const PROFILE_TYPES = ['RuntimeDefault', 'Unconfined', 'Localhost'] as const;

function validateProfile(value: unknown, path: string, errs: FieldError[]): void {
  const p = optObject(value, path, errs);
  if (!p) return;
  errs.push(...validateKnownFields(p, ['type', 'localhostProfile'], path));
  if (p.type === undefined || p.type === '') errs.push(required(child(path, 'type')));
  const type = optEnum(p.type, child(path, 'type'), PROFILE_TYPES, errs, true);
  const local = optString(p.localhostProfile, child(path, 'localhostProfile'), errs);
  if (type === 'Localhost' && !local) errs.push(requiredBecause(child(path, 'localhostProfile'), 'must be set when type is Localhost'));
  if (type && type !== 'Localhost' && local) errs.push(invalid(child(path, 'localhostProfile'), local, 'can only be set when type is Localhost'));
}

/** Fields both levels share. */
function validateCommon(sc: Fields, path: string, errs: FieldError[]): void {
  optInt(sc.runAsUser, child(path, 'runAsUser'), errs, { min: 0, max: MAX_ID });
  optInt(sc.runAsGroup, child(path, 'runAsGroup'), errs, { min: 0, max: MAX_ID });
  optBool(sc.runAsNonRoot, child(path, 'runAsNonRoot'), errs);
  const se = optObject(sc.seLinuxOptions, child(path, 'seLinuxOptions'), errs);
  if (se) errs.push(...validateKnownFields(se, ['user', 'role', 'type', 'level'], child(path, 'seLinuxOptions')));
  const win = optObject(sc.windowsOptions, child(path, 'windowsOptions'), errs);
  if (win) errs.push(...validateKnownFields(win, ['gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName', 'hostProcess'], child(path, 'windowsOptions')));
  validateProfile(sc.seccompProfile, child(path, 'seccompProfile'), errs);
  validateProfile(sc.appArmorProfile, child(path, 'appArmorProfile'), errs);
}

export function validateContainerSecurityContext(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sc = optObject(value, path, errs);
  if (!sc) return errs;
  errs.push(...validateKnownFields(sc, CONTAINER_SECURITY_CONTEXT_FIELDS, path));
  validateCommon(sc, path, errs);
  const caps = optObject(sc.capabilities, child(path, 'capabilities'), errs);
  if (caps) {
    errs.push(...validateKnownFields(caps, ['add', 'drop'], child(path, 'capabilities')));
    optStringList(caps.add, child(path, 'capabilities.add'), errs);
    optStringList(caps.drop, child(path, 'capabilities.drop'), errs);
  }
  const privileged = optBool(sc.privileged, child(path, 'privileged'), errs);
  const escalation = optBool(sc.allowPrivilegeEscalation, child(path, 'allowPrivilegeEscalation'), errs);
  if (privileged === true && escalation === false) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  optBool(sc.readOnlyRootFilesystem, child(path, 'readOnlyRootFilesystem'), errs);
  optEnum(sc.procMount, child(path, 'procMount'), ['Default', 'Unmasked'], errs);
  return errs;
}

export function validatePodSecurityContext(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sc = optObject(value, path, errs);
  if (!sc) return errs;
  errs.push(...validateKnownFields(sc, POD_SECURITY_CONTEXT_FIELDS, path));
  validateCommon(sc, path, errs);
  optInt(sc.fsGroup, child(path, 'fsGroup'), errs, { min: 0, max: MAX_ID });
  (optArray(sc.supplementalGroups, child(path, 'supplementalGroups'), errs) ?? []).forEach((g, i) =>
    optInt(g, index(child(path, 'supplementalGroups'), i), errs, { min: 0, max: MAX_ID }));
  optEnum(sc.supplementalGroupsPolicy, child(path, 'supplementalGroupsPolicy'), ['Merge', 'Strict'], errs);
  optEnum(sc.fsGroupChangePolicy, child(path, 'fsGroupChangePolicy'), ['OnRootMismatch', 'Always'], errs);
  optEnum(sc.seLinuxChangePolicy, child(path, 'seLinuxChangePolicy'), ['MountOption', 'Recursive'], errs);
  (optArray(sc.sysctls, child(path, 'sysctls'), errs) ?? []).forEach((s, i) => {
    const sp = index(child(path, 'sysctls'), i);
    const sysctl = optObject(s, sp, errs);
    if (!sysctl) return;
    errs.push(...validateKnownFields(sysctl, ['name', 'value'], sp));
    const name = optString(sysctl.name, child(sp, 'name'), errs);
    if (!name) errs.push(required(child(sp, 'name')));
    else if (!/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name)) {
      errs.push(invalid(child(sp, 'name'), name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$ (e.g. 'net.ipv4.ip_forward')"));
    }
    optString(sysctl.value, child(sp, 'value'), errs);
  });
  return errs;
}
