import type { ErrorCode } from '@vneid/core';
import type { BilingualText, CheckName, CheckResult } from '../types.js';

/** Why a check was skipped: the caller narrowed the checks (VC API `options.checks`). */
export const NOT_REQUESTED: BilingualText = { en: 'Not requested.', vi: 'Không được yêu cầu kiểm tra.' };

/** What a passed check means, for the person at the counter or the roadside. */
export const VALID_MESSAGES: Readonly<Record<CheckName, BilingualText>> = {
  bundle: { en: 'The trust list is signed and current.', vi: 'Danh sách tin cậy có chữ ký hợp lệ và còn hiệu lực.' },
  context: {
    en: 'The document uses only approved vocabularies.',
    vi: 'Tài liệu chỉ dùng các bộ từ vựng đã được phê duyệt.',
  },
  proof: { en: 'The digital signature is intact.', vi: 'Chữ ký số toàn vẹn.' },
  issuerTrusted: {
    en: 'The issuer and its key are in the trust list.',
    vi: 'Cơ quan cấp và khóa ký có trong danh sách tin cậy.',
  },
  issuerAuthorized: {
    en: 'The issuer is authorised to issue this document type.',
    vi: 'Cơ quan cấp có thẩm quyền cấp loại giấy tờ này.',
  },
  keyValid: {
    en: 'The signing key was valid when the document was signed.',
    vi: 'Khóa ký còn hiệu lực tại thời điểm ký.',
  },
  validityPeriod: { en: 'The document is within its validity period.', vi: 'Giấy tờ đang trong thời hạn hiệu lực.' },
  schema: { en: 'The disclosed data is well-formed.', vi: 'Dữ liệu được tiết lộ đúng định dạng.' },
  revocation: { en: 'The document has not been revoked.', vi: 'Giấy tờ chưa bị thu hồi.' },
  suspension: { en: 'The document is not suspended.', vi: 'Giấy tờ không bị tạm đình chỉ.' },
  holderBinding: {
    en: 'The person presenting is the holder of every document.',
    vi: 'Người xuất trình là chủ sở hữu của mọi giấy tờ.',
  },
  challenge: {
    en: 'The presentation answers this verifier’s one-time challenge.',
    vi: 'Bản xuất trình trả lời đúng mã thử thách dùng một lần của bên kiểm tra.',
  },
  domain: {
    en: 'The presentation was made for this verifier.',
    vi: 'Bản xuất trình được tạo cho đúng bên kiểm tra này.',
  },
  requestSatisfied: {
    en: 'Every requested field was disclosed.',
    vi: 'Mọi trường thông tin được yêu cầu đều đã được tiết lộ.',
  },
};

/** Why a check failed or could not be decided, by stable code. */
export const CODE_MESSAGES: Readonly<Partial<Record<ErrorCode, BilingualText>>> = {
  PROOF_VERIFICATION_ERROR: {
    en: 'The digital signature does not match the content: the document was altered or forged.',
    vi: 'Chữ ký số không khớp với nội dung: giấy tờ đã bị sửa đổi hoặc giả mạo.',
  },
  MALFORMED_VALUE_ERROR: { en: 'A value is malformed.', vi: 'Một giá trị không đúng định dạng.' },
  STATUS_VERIFICATION_ERROR: {
    en: 'The status information is not from the issuer or is malformed.',
    vi: 'Thông tin trạng thái không do cơ quan cấp phát hành hoặc sai định dạng.',
  },
  STATUS_RETRIEVAL_ERROR: {
    en: 'The status list could not be downloaded.',
    vi: 'Không tải được danh sách trạng thái.',
  },
  STATUS_LIST_LENGTH_ERROR: {
    en: 'The status list has a forbidden size.',
    vi: 'Danh sách trạng thái có kích thước không hợp lệ.',
  },
  CONTEXT_NOT_ALLOWED: {
    en: 'The document uses a vocabulary that is not approved in the trust list.',
    vi: 'Tài liệu dùng bộ từ vựng không được phê duyệt trong danh sách tin cậy.',
  },
  JSONLD_SAFE_MODE_ERROR: {
    en: 'The document contains undefined terms that would not be covered by the signature.',
    vi: 'Tài liệu chứa thuật ngữ không được định nghĩa, nằm ngoài phạm vi chữ ký.',
  },
  UNSAFE_JSON: {
    en: 'The document contains forbidden keys and is refused.',
    vi: 'Tài liệu chứa khóa bị cấm và bị từ chối.',
  },
  INPUT_LIMIT_EXCEEDED: {
    en: 'The document is too large or too complex and was refused before processing.',
    vi: 'Tài liệu quá lớn hoặc quá phức tạp nên bị từ chối trước khi xử lý.',
  },
  DID_NOT_FOUND: {
    en: 'The signing key is not known offline.',
    vi: 'Không xác định được khóa ký khi ngoại tuyến.',
  },
  INVALID_KEY: { en: 'The signing key is invalid.', vi: 'Khóa ký không hợp lệ.' },
  UNKNOWN_CREDENTIAL_TYPE: {
    en: 'This document type is not known.',
    vi: 'Loại giấy tờ này không được hỗ trợ.',
  },
  SCHEMA_VALIDATION_ERROR: {
    en: 'The disclosed data does not have the required format.',
    vi: 'Dữ liệu được tiết lộ không đúng định dạng quy định.',
  },
  ISSUER_NOT_TRUSTED: {
    en: 'The issuer or its signing key is not in the trust list.',
    vi: 'Cơ quan cấp hoặc khóa ký không có trong danh sách tin cậy.',
  },
  ISSUER_NOT_AUTHORIZED: {
    en: 'The issuer is not authorised to issue this document type.',
    vi: 'Cơ quan cấp không có thẩm quyền cấp loại giấy tờ này.',
  },
  CREDENTIAL_TYPE_CONFLICT: {
    en: 'The document claims to be of more than one document type.',
    vi: 'Giấy tờ tự nhận là nhiều loại giấy tờ khác nhau.',
  },
  KEY_NOT_VALID: {
    en: 'The signing key was not valid when the document was signed.',
    vi: 'Khóa ký không còn hiệu lực tại thời điểm ký.',
  },
  KEY_COMPROMISED: {
    en: 'The document was signed after the signing key was reported compromised.',
    vi: 'Giấy tờ được ký sau khi khóa ký bị báo lộ.',
  },
  CREDENTIAL_EXPIRED: { en: 'The document has expired.', vi: 'Giấy tờ đã hết hạn.' },
  CREDENTIAL_NOT_YET_VALID: { en: 'The document is not valid yet.', vi: 'Giấy tờ chưa có hiệu lực.' },
  CREDENTIAL_REVOKED: { en: 'The document has been revoked.', vi: 'Giấy tờ đã bị thu hồi.' },
  CREDENTIAL_SUSPENDED: { en: 'The document is suspended.', vi: 'Giấy tờ đang bị tạm đình chỉ.' },
  STATUS_UNKNOWN: {
    en: 'Status unknown: the status list is missing or out of date; synchronise when online.',
    vi: 'Không rõ trạng thái: danh sách trạng thái bị thiếu hoặc đã cũ; hãy đồng bộ khi có mạng.',
  },
  BUNDLE_STALE: {
    en: 'The trust list is out of date; results cannot be confirmed until it is updated.',
    vi: 'Danh sách tin cậy đã cũ; chưa thể xác nhận kết quả cho đến khi được cập nhật.',
  },
  BUNDLE_SIGNATURE_INVALID: {
    en: 'The trust list’s signature is invalid.',
    vi: 'Chữ ký của danh sách tin cậy không hợp lệ.',
  },
  BUNDLE_ROLLBACK: {
    en: 'The trust list is older than the one already in use.',
    vi: 'Danh sách tin cậy cũ hơn danh sách đang dùng.',
  },
  STATUS_LIST_ROLLBACK: {
    en: 'The status list is older than the one already held.',
    vi: 'Danh sách trạng thái cũ hơn danh sách đang lưu.',
  },
  BASE_PROOF_PRESENTED: {
    en: 'The holder presented the issuer’s full copy instead of a selective disclosure.',
    vi: 'Người xuất trình gửi bản gốc đầy đủ thay vì bản tiết lộ có chọn lọc.',
  },
  MANDATORY_CLAIM_MISSING: {
    en: 'A claim the issuer made mandatory is missing.',
    vi: 'Thiếu một thông tin bắt buộc do cơ quan cấp quy định.',
  },
  CLAIM_INJECTED: {
    en: 'A claim was added that the issuer did not sign.',
    vi: 'Có thông tin được thêm vào mà cơ quan cấp không ký.',
  },
  HOLDER_MISMATCH: {
    en: 'The person presenting is not the holder of this document.',
    vi: 'Người xuất trình không phải chủ sở hữu của giấy tờ này.',
  },
  CHALLENGE_MISMATCH: {
    en: 'The presentation does not answer this verifier’s challenge.',
    vi: 'Bản xuất trình không trả lời đúng mã thử thách của bên kiểm tra.',
  },
  CHALLENGE_REPLAYED: {
    en: 'This presentation was already used, or its challenge expired.',
    vi: 'Bản xuất trình này đã được sử dụng, hoặc mã thử thách đã hết hạn.',
  },
  DOMAIN_MISMATCH: {
    en: 'The presentation was made for another verifier.',
    vi: 'Bản xuất trình được tạo cho một bên kiểm tra khác.',
  },
  PRESENTATION_TOO_OLD: {
    en: 'The presentation is too old or dated in the future.',
    vi: 'Bản xuất trình đã quá cũ hoặc có thời điểm tạo trong tương lai.',
  },
  REQUEST_NOT_SATISFIED: {
    en: 'Some requested fields were not disclosed.',
    vi: 'Một số trường thông tin được yêu cầu chưa được tiết lộ.',
  },
};

const SKIPPED: BilingualText = { en: 'Not checked.', vi: 'Không kiểm tra.' };
const FALLBACK: BilingualText = { en: 'The check failed.', vi: 'Kiểm tra không đạt.' };

/** The bilingual message of a check outcome. */
export function messageFor(check: CheckName, result: CheckResult, code?: ErrorCode): BilingualText {
  if (result === 'valid') return VALID_MESSAGES[check];
  if (result === 'skipped') return SKIPPED;
  return (code && CODE_MESSAGES[code]) || FALLBACK;
}
