/** Pod `volumes`: unique DNS-label names, exactly one source each, and the common sources' required fields. */
import { duplicate, forbidden, invalid, required, type FieldError } from '../errors.js';
import { isDns1123Label, isDns1123Subdomain, validateKnownFields, validateNonNegativeQuantity } from '../validation/common.js';
import { VOLUME_DEVICE_FIELDS, VOLUME_MOUNT_FIELDS, VOLUME_SOURCES } from './pod-fields.js';
import { child, index, optArray, optBool, optEnum, optObject, optString, requiredName, type Fields, requiredBecause } from './util.js';
import { isConfigKey } from './config-data.js';

const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] as const;
const MAX_MODE = 0o777;

/** Paths inside a volume: relative, and never climbing out with `..`. */
export function validateLocalPath(value: unknown, path: string, errs: FieldError[]): void {
  const p = optString(value, path, errs);
  if (p === undefined || p === '') {
    errs.push(required(path));
    return;
  }
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  else if (p.startsWith('..')) errs.push(invalid(path, p, "must not start with '..'"));
}

function validateMode(value: unknown, path: string, errs: FieldError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_MODE) {
    errs.push(invalid(path, value, 'must be a number between 0 and 0777 (octal), both inclusive'));
  }
}

function validateKeyToPaths(value: unknown, path: string, errs: FieldError[]): void {
  (optArray(value, path, errs) ?? []).forEach((it, i) => {
    const ip = index(path, i);
    const item = optObject(it, ip, errs);
    if (!item) return;
    errs.push(...validateKnownFields(item, ['key', 'path', 'mode'], ip));
    errs.push(...requiredName(item.key, child(ip, 'key'), isConfigKey));
    validateLocalPath(item.path, child(ip, 'path'), errs);
    validateMode(item.mode, child(ip, 'mode'), errs);
  });
}

function requireString(obj: Fields, field: string, path: string, errs: FieldError[]): void {
  if (!optString(obj[field], child(path, field), errs)) errs.push(required(child(path, field)));
}

/** Checks for the sources Cairn can mount or that manifests commonly carry; others need only be objects. */
function validateSource(source: string, value: unknown, path: string, errs: FieldError[]): void {
  const src = optObject(value, path, errs);
  if (!src) return;
  switch (source) {
    case 'emptyDir':
      errs.push(...validateKnownFields(src, ['medium', 'sizeLimit'], path));
      if (src.medium !== undefined && !(typeof src.medium === 'string' && /^(|Memory|HugePages(-.+)?)$/.test(src.medium))) {
        errs.push(invalid(child(path, 'medium'), src.medium, 'must be "", "Memory" or "HugePages"'));
      }
      if (src.sizeLimit !== undefined) errs.push(...validateNonNegativeQuantity(src.sizeLimit, child(path, 'sizeLimit')));
      return;
    case 'hostPath':
      errs.push(...validateKnownFields(src, ['path', 'type'], path));
      requireString(src, 'path', path, errs);
      optEnum(src.type, child(path, 'type'), HOST_PATH_TYPES, errs);
      return;
    case 'configMap':
      errs.push(...validateKnownFields(src, ['name', 'items', 'defaultMode', 'optional'], path));
      errs.push(...requiredName(src.name, child(path, 'name'), isDns1123Subdomain));
      validateKeyToPaths(src.items, child(path, 'items'), errs);
      validateMode(src.defaultMode, child(path, 'defaultMode'), errs);
      optBool(src.optional, child(path, 'optional'), errs);
      return;
    case 'secret':
      errs.push(...validateKnownFields(src, ['secretName', 'items', 'defaultMode', 'optional'], path));
      errs.push(...requiredName(src.secretName, child(path, 'secretName'), isDns1123Subdomain));
      validateKeyToPaths(src.items, child(path, 'items'), errs);
      validateMode(src.defaultMode, child(path, 'defaultMode'), errs);
      optBool(src.optional, child(path, 'optional'), errs);
      return;
    case 'persistentVolumeClaim':
      errs.push(...validateKnownFields(src, ['claimName', 'readOnly'], path));
      requireString(src, 'claimName', path, errs);
      optBool(src.readOnly, child(path, 'readOnly'), errs);
      return;
    case 'nfs':
      requireString(src, 'server', path, errs);
      requireString(src, 'path', path, errs);
      return;
    case 'csi':
      requireString(src, 'driver', path, errs);
      return;
    case 'ephemeral':
      if (!optObject(src.volumeClaimTemplate, child(path, 'volumeClaimTemplate'), errs)) errs.push(required(child(path, 'volumeClaimTemplate')));
      return;
    case 'projected':
      errs.push(...validateKnownFields(src, ['sources', 'defaultMode'], path));
      optArray(src.sources, child(path, 'sources'), errs);
      validateMode(src.defaultMode, child(path, 'defaultMode'), errs);
      return;
    case 'downwardAPI':
      errs.push(...validateKnownFields(src, ['items', 'defaultMode'], path));
      (optArray(src.items, child(path, 'items'), errs) ?? []).forEach((it, i) => {
        const item = optObject(it, index(child(path, 'items'), i), errs);
        if (item) validateLocalPath(item.path, child(index(child(path, 'items'), i), 'path'), errs);
      });
      validateMode(src.defaultMode, child(path, 'defaultMode'), errs);
      return;
  }
}

/** Validates `volumes` and returns the declared names so volumeMounts can be checked against them. */
export function validateVolumes(value: unknown, path: string): { errors: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (optArray(value, path, errs) ?? []).forEach((v, i) => {
    const vp = index(path, i);
    const vol = optObject(v, vp, errs);
    if (!vol) return;
    errs.push(...validateKnownFields(vol, ['name', ...VOLUME_SOURCES], vp));
    const nameErrs = requiredName(vol.name, child(vp, 'name'), isDns1123Label);
    errs.push(...nameErrs);
    if (typeof vol.name === 'string' && vol.name) {
      if (names.has(vol.name)) errs.push(duplicate(child(vp, 'name'), vol.name));
      names.add(vol.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => vol[s] !== undefined && vol[s] !== null);
    if (sources.length === 0) errs.push(requiredBecause(vp, 'must specify a volume type'));
    if (sources.length > 1) errs.push(forbidden(vp, `may not specify more than 1 volume type (found ${sources.join(', ')})`));
    else if (sources.length === 1) validateSource(sources[0]!, vol[sources[0]!], child(vp, sources[0]!), errs);
  });
  return { errors: errs, names };
}

/** Container volumeMounts: each names a declared volume and has its own mountPath. */
export function validateVolumeMounts(value: unknown, path: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  (optArray(value, path, errs) ?? []).forEach((m, i) => {
    const mp = index(path, i);
    const mount = optObject(m, mp, errs);
    if (!mount) return;
    errs.push(...validateKnownFields(mount, VOLUME_MOUNT_FIELDS, mp));
    const name = optString(mount.name, child(mp, 'name'), errs);
    if (!name) errs.push(required(child(mp, 'name')));
    else if (!volumes.has(name)) errs.push(invalid(child(mp, 'name'), name, 'must match the name of a volume in the pod\'s spec.volumes (Not found)'));
    const mountPath = optString(mount.mountPath, child(mp, 'mountPath'), errs);
    if (!mountPath) errs.push(required(child(mp, 'mountPath')));
    else if (mountPaths.has(mountPath)) errs.push(invalid(child(mp, 'mountPath'), mountPath, 'must be unique'));
    else mountPaths.add(mountPath);
    optBool(mount.readOnly, child(mp, 'readOnly'), errs);
    const subPath = optString(mount.subPath, child(mp, 'subPath'), errs);
    if (subPath) {
      if (subPath.startsWith('/')) errs.push(invalid(child(mp, 'subPath'), subPath, 'must be a relative path'));
      if (subPath.split('/').includes('..')) errs.push(invalid(child(mp, 'subPath'), subPath, "must not contain '..'"));
    }
    if (subPath && mount.subPathExpr) errs.push(invalid(child(mp, 'subPathExpr'), mount.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    optString(mount.subPathExpr, child(mp, 'subPathExpr'), errs);
    optEnum(mount.mountPropagation, child(mp, 'mountPropagation'), ['None', 'HostToContainer', 'Bidirectional'], errs);
    optEnum(mount.recursiveReadOnly, child(mp, 'recursiveReadOnly'), ['Disabled', 'IfPossible', 'Enabled'], errs);
  });
  return errs;
}

export function validateVolumeDevices(value: unknown, path: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  (optArray(value, path, errs) ?? []).forEach((d, i) => {
    const dp = index(path, i);
    const dev = optObject(d, dp, errs);
    if (!dev) return;
    errs.push(...validateKnownFields(dev, VOLUME_DEVICE_FIELDS, dp));
    const name = optString(dev.name, child(dp, 'name'), errs);
    if (!name) errs.push(required(child(dp, 'name')));
    else if (!volumes.has(name)) errs.push(invalid(child(dp, 'name'), name, 'must match the name of a volume in the pod\'s spec.volumes (Not found)'));
    if (!optString(dev.devicePath, child(dp, 'devicePath'), errs)) errs.push(required(child(dp, 'devicePath')));
  });
  return errs;
}
