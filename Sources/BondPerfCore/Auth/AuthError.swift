/// Why authentication could not be set up or a token could not be made: a key
/// file that can't be read or isn't an RSA key, or credentials iperf3's token
/// format can't carry. Each names the file or the value and what to do.
public enum AuthError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file could not be read at all.
  case unreadableFile(path: String, reason: String)
  /// The file holds no PEM public key (`-----BEGIN PUBLIC KEY-----`).
  case notAPublicKey(path: String, detail: String)
  /// The file holds no PEM private key.
  case notAPrivateKey(path: String, detail: String)
  /// The key is a public or private key, but not an RSA one.
  case notRSA(path: String)
  /// A username or password with whitespace, which the token's `sscanf` on
  /// an iperf3 server would cut off.
  case whitespace(what: String)
  /// An empty username or password: the server's `sscanf` could not read it.
  case empty(what: String)
  /// The token's plaintext is longer than the key and padding can encrypt.
  case tooLong(bytes: Int, maximum: Int, padding: RSAPadding)
  /// OpenSSL refused to encrypt.
  case encryptionFailed(detail: String)

  public var description: String {
    switch self {
    case .unreadableFile(let path, let reason):
      return "cannot read \(path): \(reason)"
    case .notAPublicKey(let path, let detail):
      return "\(path) holds no PEM RSA public key (\(detail)); "
        + "make one from the private key with: openssl rsa -in private.pem -pubout -out public.pem"
    case .notAPrivateKey(let path, let detail):
      return "\(path) holds no PEM RSA private key (\(detail)); "
        + "make one with: openssl genrsa -out private.pem 2048"
    case .notRSA(let path):
      return "\(path) holds a key that is not RSA; iperf3's authentication uses RSA keys "
        + "(openssl genrsa)"
    case .whitespace(let what):
      return "the \(what) contains whitespace, which iperf3's authentication token cannot carry"
    case .empty(let what):
      return "the \(what) is empty; iperf3's authentication needs one"
    case .tooLong(let bytes, let maximum, let padding):
      return "the username and password are too long for the RSA key: the token needs "
        + "\(bytes) bytes, the key encrypts at most \(maximum) with \(padding) padding; "
        + "use a larger key or shorter credentials"
    case .encryptionFailed(let detail):
      return "RSA encryption of the authentication token failed: \(detail)"
    }
  }
}
