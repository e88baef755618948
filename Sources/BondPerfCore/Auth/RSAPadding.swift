import COpenSSL

/// The RSA padding of the authentication token: OAEP (SHA-1, as OpenSSL's
/// default), which iperf3 3.17 and later use, or PKCS#1 v1.5, which iperf3
/// before 3.17 uses (`--use-pkcs1-padding`).
public enum RSAPadding: Sendable, Hashable, CustomStringConvertible {
  case oaep
  case pkcs1

  /// OpenSSL's `RSA_PKCS1_OAEP_PADDING` or `RSA_PKCS1_PADDING`.
  var openSSLValue: Int32 {
    switch self {
    case .oaep: return RSA_PKCS1_OAEP_PADDING
    case .pkcs1: return RSA_PKCS1_PADDING
    }
  }

  /// Bytes the padding takes from each RSA block (RFC 8017: 2 * 20 + 2 for
  /// OAEP with SHA-1, 11 for PKCS#1 v1.5).
  var overhead: Int {
    switch self {
    case .oaep: return 42
    case .pkcs1: return 11
    }
  }

  public var description: String {
    switch self {
    case .oaep: return "OAEP"
    case .pkcs1: return "PKCS#1 v1.5"
    }
  }
}
