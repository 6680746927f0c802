/** A patch that cannot be applied: the message names the failing operation, directive or path. */
export class PatchError extends Error {
  /**
   * `code` is the HTTP status Kubernetes answers with: 400 when the patch body is malformed,
   * 422 when a well-formed patch does not apply to the stored object (e.g. a failed `test`).
   */
  constructor(
    message: string,
    readonly code: 400 | 422 = 422,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}
