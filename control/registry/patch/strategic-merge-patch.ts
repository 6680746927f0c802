/**
 * Kubernetes strategic merge patch (application/strategic-merge-patch+json) on plain JSON, with the
 * semantics of apimachinery's strategicpatch on the server: maps merge, lists the schema marks
 * `merge` are merged by their merge key (or unioned when they hold primitives), other lists are
 * replaced, null deletes, and the directives kubectl emits are honoured: `$patch`, `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
 */
import { PatchError } from './patch-error.js';
import { cloneJson, getOwn, isObject, setOwn, type JsonMap } from './json-value.js';
import { mergeKeyOf, orderMergedList, scalarKey } from './list-order.js';
import { fieldOf, type FieldSchema, type ObjectSchema } from './patch-schema.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVES = '$deleteFromPrimitiveList/';

export function strategicMergePatch(original: unknown, patch: unknown, schema: ObjectSchema | undefined): JsonMap {
  if (!isObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object', 400);
  // Both are private copies from here on, so the helpers below may work in place.
  return mergeMap(isObject(original) ? cloneJson(original) : {}, cloneJson(patch), schema, '');
}

const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const where = (path: string): string => path || 'the top level';

function mergeMap(original: JsonMap, patch: JsonMap, schema: ObjectSchema | undefined, path: string): JsonMap {
  if (Object.hasOwn(patch, PATCH)) {
    const directive = patch[PATCH];
    delete patch[PATCH];
    if (directive === 'delete') return {};
    if (directive === 'replace') return mergeMap({}, patch, schema, path);
    if (directive !== 'merge') throw badDirective(directive, path);
  }
  applyRetainKeys(original, patch, path);
  applyElementOrders(original, patch, schema, path);

  const deletions: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_PRIMITIVES)) {
      deletions.push([key.slice(DELETE_PRIMITIVES.length), value]);
    } else if (value === null) {
      delete original[key];
    } else {
      const merged = mergeField(getOwn(original, key), value, fieldOf(schema, key), at(path, key));
      if (merged === undefined) delete original[key];
      else setOwn(original, key, merged);
    }
  }
  for (const [key, value] of deletions) deleteFromPrimitiveList(original, key, value, at(path, key));
  return original;
}

/** The new value of one field; undefined means the field ends up absent. */
function mergeField(current: unknown, value: unknown, field: FieldSchema | undefined, path: string): unknown {
  if (isObject(value)) {
    if (field?.strategy === 'replace') return mergeMap({}, value, field.fields, path);
    if (isObject(current)) return mergeMap(current, value, field?.fields, path);
    // Deleting a map that is not there leaves nothing behind.
    if (getOwn(value, PATCH) === 'delete') return undefined;
    return mergeMap({}, value, field?.fields, path);
  }
  if (Array.isArray(value)) return mergeList(Array.isArray(current) ? current : [], value, field, path);
  return value;
}

function mergeList(original: unknown[], patch: unknown[], field: FieldSchema | undefined, path: string): unknown[] {
  if (field?.strategy !== 'merge') return replacementList(patch, field?.fields, path);
  if (original.length === 0 && patch.length === 0) return [];
  if (elementKind(original, patch, path) === 'scalar') {
    const merged = [...new Set([...original, ...patch])];
    return orderMergedList(merged, patch, original, scalarKey);
  }
  const { mergeKey } = field;
  if (!mergeKey) throw new PatchError(`cannot merge lists without a merge key at ${path}`);
  const { base, items, replace } = applyListDirectives(original, patch, mergeKey, path);
  if (replace) return items.map((item) => mergeMap({}, item, field.fields, path));

  const keyOf = mergeKeyOf(mergeKey);
  const merged = [...base];
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) throw new PatchError(`${JSON.stringify(item)} at ${path} does not contain declared merge key: ${mergeKey}`);
    const elementPath = `${path}[${mergeKey}=${JSON.stringify(key)}]`;
    const index = merged.findIndex((element) => keyOf(element) === key);
    if (index >= 0) merged[index] = mergeMap(merged[index] as JsonMap, item, field.fields, elementPath);
    else merged.push(mergeMap({}, item, field.fields, elementPath));
  }
  return orderMergedList(merged, items, base, keyOf);
}

/** A list without merge semantics is taken from the patch, minus nulls and directive markers. */
function replacementList(patch: unknown[], fields: ObjectSchema | undefined, path: string): unknown[] {
  const result: unknown[] = [];
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(item);
      continue;
    }
    const directive = getOwn(item, PATCH);
    const rest = Object.keys(item).filter((key) => key !== PATCH);
    if (directive === 'delete' || (directive !== undefined && rest.length === 0)) continue;
    result.push(mergeMap({}, item, fields, path));
  }
  return result;
}

function elementKind(original: unknown[], patch: unknown[], path: string): 'map' | 'scalar' {
  let kind: 'map' | 'scalar' | undefined;
  for (const item of [...original, ...patch]) {
    if (Array.isArray(item)) throw new PatchError(`lists of lists cannot be merged at ${path}`);
    const itemKind = isObject(item) ? 'map' : 'scalar';
    if (kind && kind !== itemKind) throw new PatchError(`list element types are not identical at ${path}`);
    kind = itemKind;
  }
  return kind ?? 'scalar';
}

/**
 * Applies `$patch` elements of a merge list: `delete` drops live elements with that key,
 * `replace` discards the live list, `merge` is the default. Returns the remaining patch elements.
 */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string, path: string) {
  const keyOf = mergeKeyOf(mergeKey);
  let base = original;
  let replace = false;
  const items: JsonMap[] = [];
  for (const element of patch as JsonMap[]) {
    if (!Object.hasOwn(element, PATCH)) {
      items.push(element);
      continue;
    }
    const directive = element[PATCH];
    if (directive === 'delete') {
      const key = keyOf(element);
      if (key === undefined) throw new PatchError(`a $patch: delete element at ${path} must set its merge key ${mergeKey}`, 400);
      base = base.filter((live) => keyOf(live) !== key);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      const rest = { ...element };
      delete rest[PATCH];
      if (Object.keys(rest).length > 0) items.push(rest);
    } else {
      throw badDirective(directive, path);
    }
  }
  return { base, items, replace };
}

/** `$retainKeys` lists every field the map may keep; the patch may not set any other. */
function applyRetainKeys(original: JsonMap, patch: JsonMap, path: string): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw new PatchError(`$retainKeys at ${where(path)} must be a list of field names`, 400);
  const keep = new Set<unknown>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(SET_ORDER) || key.startsWith(DELETE_PRIMITIVES)) continue;
    if (!keep.has(key)) throw new PatchError(`field ${at(path, key)} is set by the patch but not listed in $retainKeys`, 400);
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/**
 * Merges each list that has a `$setElementOrder/<list>` and puts it in that order. The order is
 * advisory: malformed or mismatched order lists are ignored rather than failing the patch.
 */
function applyElementOrders(original: JsonMap, patch: JsonMap, schema: ObjectSchema | undefined, path: string): void {
  for (const directive of Object.keys(patch)) {
    if (!directive.startsWith(SET_ORDER)) continue;
    const order = patch[directive];
    delete patch[directive];
    const name = directive.slice(SET_ORDER.length);
    const field = fieldOf(schema, name);
    const live = getOwn(original, name);
    const incoming = getOwn(patch, name);
    if (!Array.isArray(order) || field?.strategy !== 'merge') continue;
    if ((live !== undefined && !Array.isArray(live)) || (incoming !== undefined && !Array.isArray(incoming))) continue;
    if (live === undefined && incoming === undefined) continue;

    const liveList: unknown[] = live ?? [];
    const merged = incoming === undefined ? liveList : mergeList(liveList, incoming, field, at(path, name));
    delete patch[name];
    const keyOf = field.mergeKey ? mergeKeyOf(field.mergeKey) : scalarKey;
    setOwn(original, name, orderMergedList(merged, order, liveList, keyOf));
  }
}

function deleteFromPrimitiveList(original: JsonMap, name: string, toDelete: unknown, path: string): void {
  if (!Array.isArray(toDelete)) throw new PatchError(`$deleteFromPrimitiveList/${name} at ${where(path)} must be a list`, 400);
  const live = getOwn(original, name);
  if (Array.isArray(live)) setOwn(original, name, live.filter((item) => !toDelete.includes(item)));
}

function badDirective(directive: unknown, path: string): PatchError {
  return new PatchError(`unknown patch directive $patch: ${JSON.stringify(directive)} at ${where(path)}`, 400);
}
