export {
  SIGNATURE_HEADER,
  computeSignature,
  signatureHeader,
  parseSignatureHeader,
  verifyKycSignature,
  checkKycSignature,
  type VerifyResult,
  type VerifyFailure,
} from './signature';
export { generateWebhookSecret, MAX_WEBHOOK_SECRETS } from './secrets';
