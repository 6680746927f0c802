/** RFC 6902 JSON patch (application/json-patch+json), applied with fast-json-patch. */
import jsonpatch, { type Operation } from 'fast-json-patch';
import { PatchError } from './patch-error.js';
import { cloneJson, isObject } from './json-value.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function applyJsonPatch(original: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError('a JSON patch must be a JSON array of operations', 400);
  // Cloned so that values inserted by `add`/`replace` are not shared with the caller's patch.
  const operations = cloneJson(patch).map(checkOperation);
  let document = cloneJson(original);
  for (const operation of operations) {
    try {
      // validate=true makes missing paths and failed tests throw; mutation is safe on our copy.
      document = jsonpatch.applyOperation(document, operation, true, true, true).newDocument;
    } catch (err) {
      throw describeFailure(err, operation);
    }
  }
  return document;
}

/** Rejects malformed operations up front with a message that says which one is wrong. */
function checkOperation(raw: unknown, index: number): Operation {
  if (!isObject(raw)) throw new PatchError(`json patch operation ${index} must be a JSON object`, 400);
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !OPS.has(op)) {
    throw new PatchError(`json patch operation ${index} has unsupported op ${JSON.stringify(op)}`, 400);
  }
  if (!isPointer(path)) throw new PatchError(`json patch ${op} operation ${index} has an invalid path ${JSON.stringify(path)}`, 400);
  if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(raw, 'value')) {
    throw new PatchError(`json patch ${op} operation at ${path} is missing its value`, 400);
  }
  if (op === 'move' || op === 'copy') {
    if (!isPointer(from)) throw new PatchError(`json patch ${op} operation at ${path} has an invalid from ${JSON.stringify(from)}`, 400);
    // RFC 6902 §4.4: an object cannot be moved into one of its own children.
    if (op === 'move' && path.startsWith(`${from}/`)) {
      throw new PatchError(`the json patch move operation failed at ${path}: it is inside the moved location ${from}`);
    }
  }
  return raw as unknown as Operation; // shape checked above
}

function isPointer(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || value.startsWith('/'));
}

function describeFailure(err: unknown, operation: Operation): PatchError {
  const { op, path } = operation;
  const at = `the json patch ${op} operation failed at ${path}`;
  const reason = err instanceof jsonpatch.JsonPatchError ? err.name : undefined;
  switch (reason) {
    case 'TEST_OPERATION_FAILED':
      return new PatchError(`the json patch test operation failed at ${path}`);
    case 'OPERATION_PATH_UNRESOLVABLE':
      return new PatchError(`${at}: the path does not exist`);
    case 'OPERATION_FROM_UNRESOLVABLE':
      return new PatchError(`${at}: the from path ${'from' in operation ? operation.from : ''} does not exist`);
    case 'OPERATION_PATH_CANNOT_ADD':
      return new PatchError(`${at}: the parent of the path does not exist`);
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return new PatchError(`${at}: not a valid array index`);
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return new PatchError(`${at}: array index out of bounds`);
    default: {
      const detail = err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
      return new PatchError(`${at}: ${detail}`);
    }
  }
}
