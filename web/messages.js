// Plain-words explanations of API error codes and decision reason codes, shared by the capture page and console.

/** Problems with an upload, before processing: retaking helps. */
export const UPLOAD_PROBLEMS = {
  FILE_TOO_LARGE: {
    title: 'That file is too large',
    text: 'Try a smaller photo, or record a shorter video (about 4 seconds is enough).',
    retake: true,
  },
  EMPTY_FILE: { title: 'That file was empty', text: 'Please take the photo or video again.', retake: true },
  UNSUPPORTED_MEDIA: {
    title: 'We cannot read that kind of file',
    text: 'Use a photo (JPEG, PNG or WebP) for the ID card and a video (MP4, WebM or MOV) for the selfie.',
    retake: true,
  },
  UPLOAD_ABORTED: {
    title: 'The upload was interrupted',
    text: 'Check your connection and try again.',
    retake: true,
  },
  PAYLOAD_TOO_LARGE: {
    title: 'That file is too large',
    text: 'Try a smaller photo or a shorter video.',
    retake: true,
  },
  NETWORK: {
    title: 'Connection problem',
    text: 'We could not reach the server. Check your connection, then try again; nothing you already sent is lost.',
    retake: true,
  },
  TEMPORAL_UNAVAILABLE: {
    title: 'We are busy right now',
    text: 'Please try again in a moment; nothing you already sent is lost.',
    retake: true,
  },
  INTERNAL_ERROR: {
    title: 'Something went wrong on our side',
    text: 'Please try again in a moment.',
    retake: true,
  },
  UNAUTHORIZED: {
    title: 'This link is no longer valid',
    text: 'It may have expired. Ask the company that sent it for a new link.',
    retake: false,
  },
  SESSION_NOT_FOUND: {
    title: 'We could not find this verification',
    text: 'Check that you opened the whole link, or ask for a new one.',
    retake: false,
  },
  SESSION_EXPIRED: {
    title: 'This link has expired',
    text: 'Verification links are valid for a limited time. Ask the company that sent it for a new link.',
    retake: false,
  },
};

/** Decision reason codes from the face engine and the workflow. */
const REASONS = {
  NO_FACE_ID: 'We could not find a face on the ID card photo. Photograph the front of the card, in focus.',
  NO_FACE_SELFIE: 'We could not see your face in the video. Keep your face inside the oval, in good light.',
  MULTIPLE_FACES_ID: 'The ID photo shows more than one large face. Photograph only your own card.',
  MULTIPLE_FACES_SELFIE: 'More than one face was in the video. Make sure only you are in view.',
  LOW_QUALITY_ID: 'The ID card photo is too blurry, too dark or too small.',
  LOW_QUALITY_SELFIE:
    'The video is too blurry or too dark. Face a window or a lamp and hold the phone still.',
  FACE_TOO_SMALL_SELFIE:
    'Your face was too far from the camera. Hold the phone closer so your face fills the oval.',
  FACE_TOO_SMALL_ID: 'The face on the ID card is too small. Hold the camera closer to the card.',
  FACE_MISMATCH: 'The face in the video does not match the face on the ID card.',
  LIVENESS_FAILED:
    'We could not confirm that the video shows a live person. Record yourself directly, not a photo or a screen.',
  SPOOF_SUSPECTED:
    'We could not confirm that the video shows a live person. Record yourself directly, not a photo or a screen.',
  NO_MOTION: 'The video looked like a still picture. Turn your head slowly while recording.',
  UNSUPPORTED_MEDIA: 'One of the files is not a photo or video we can read.',
  CORRUPT_MEDIA: 'One of the files could not be read; it may be damaged.',
  VIDEO_TOO_LONG: 'The video is too long. About 4 seconds is enough.',
  IMAGE_TOO_LARGE: 'The ID photo is too large to process.',
  EMPTY_FILE: 'One of the files was empty.',
  IDENTITY_CHANGED_SELFIE:
    'The video seems to show more than one person over its length. Only you should be in view.',
  SIMILARITY_UNCERTAIN:
    'The faces on the ID card and in the video were not similar enough to decide automatically.',
  LIVENESS_UNCERTAIN: 'We could not be sure the video shows a live person; a reviewer looked at it.',
  REVIEW_APPROVED: 'A reviewer confirmed the identity.',
  REVIEW_TIMEOUT: 'Your verification could not be reviewed in time.',
  REVIEW_DECLINED: 'A reviewer could not confirm your identity from these photos.',
  SESSION_EXPIRED: 'The photos did not both arrive in time.',
};

/** A reason in plain words; unknown codes fall back on their family, then on a general sentence. */
export function explainReason(code) {
  if (REASONS[code]) return REASONS[code];
  if (code.startsWith('LOW_QUALITY')) return 'A photo or the video is too blurry or too dark.';
  if (code.startsWith('LOW_LIGHT') || code.includes('DARK'))
    return 'The picture was too dark. Move to better light.';
  if (code.startsWith('MULTIPLE_FACES'))
    return 'More than one face was found. Make sure only you are in view.';
  if (code.startsWith('NO_FACE')) return 'We could not find a face where we expected one.';
  if (code.startsWith('LIVENESS') || code.startsWith('SPOOF')) return REASONS.LIVENESS_FAILED;
  return 'Your photos could not be verified.';
}

/** Whether a reason is something the applicant can fix by taking better photos. */
export function isRetakeable(code) {
  return ![
    'FACE_MISMATCH',
    'SIMILARITY_UNCERTAIN',
    'REVIEW_TIMEOUT',
    'REVIEW_DECLINED',
    'REVIEW_APPROVED',
  ].includes(code);
}
