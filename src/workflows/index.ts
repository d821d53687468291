// Workflow bundle entry: every workflow type the workers register.
export { kycSession } from './kyc-session';
