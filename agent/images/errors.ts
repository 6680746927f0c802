/** Container waiting reasons for image problems, as Kubernetes reports them in container statuses. */
export const ImagePullReasons = {
  /** The pull was tried and failed; the message carries the registry's reason. */
  ErrImagePull: 'ErrImagePull',
  /** A recent pull failed; the image is not tried again until its back-off expires. */
  ImagePullBackOff: 'ImagePullBackOff',
  /** The image is absent and the pull policy is Never. */
  ErrImageNeverPull: 'ErrImageNeverPull',
  /** The image reference cannot be parsed. */
  InvalidImageName: 'InvalidImageName',
} as const;

export type ImagePullReason = (typeof ImagePullReasons)[keyof typeof ImagePullReasons];

/** Why a container's image is not available; `reason` and `message` go into the container's waiting state. */
export class ImagePullError extends Error {
  constructor(readonly reason: ImagePullReason, message: string, readonly image: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImagePullError';
  }
}
