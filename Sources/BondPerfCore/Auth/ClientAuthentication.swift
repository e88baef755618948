import Foundation

/// A client's credentials (`--username`, `--rsa-public-key-path`, the password
/// from `IPERF3_PASSWORD` or the terminal): they make the `authtoken` the
/// client sends with its parameters.
public struct ClientAuthentication: Sendable {
  public var username: String
  public var password: String
  public var publicKey: RSAPublicKey
  /// OAEP, as iperf3 3.17+; PKCS#1 v1.5 for a server before 3.17.
  public var padding: RSAPadding

  /// Checks what an iperf3 server could not read back: empty values, whitespace
  /// (its `sscanf` stops there), and a token too long for the key.
  public init(
    username: String, password: String, publicKey: RSAPublicKey, padding: RSAPadding = .oaep
  ) throws(AuthError) {
    for (value, what) in [(username, "username"), (password, "password")] {
      guard !value.isEmpty else { throw .empty(what: what) }
      guard !value.utf8.contains(where: { $0 == 0x20 || (0x09...0x0d).contains($0) }) else {
        throw .whitespace(what: what)
      }
    }
    self.username = username
    self.password = password
    self.publicKey = publicKey
    self.padding = padding
    // The longest timestamp a token can carry, to refuse a too-long token now.
    let longest = AuthCredentials(username: username, password: password, timestamp: .min)
    let maximum = publicKey.maximumPlaintext(padding)
    guard longest.plaintext.count <= maximum else {
      throw .tooLong(bytes: longest.plaintext.count, maximum: maximum, padding: padding)
    }
  }

  /// The token for a test starting at `timestamp` (seconds since 1970):
  /// the credentials encrypted with the server's public key, base64 on one line.
  public func token(timestamp: Int64) throws(AuthError) -> String {
    let credentials = AuthCredentials(
      username: username, password: password, timestamp: timestamp)
    let encrypted = try publicKey.encrypt(credentials.plaintext, padding: padding)
    return Data(encrypted).base64EncodedString()
  }

  /// The token for a test starting now.
  public func token() throws(AuthError) -> String {
    try token(timestamp: AuthClock.now())
  }
}

/// The wall clock the tokens' timestamps use: seconds since 1970 (iperf3's
/// `mktime(localtime(time(NULL)))`, which is `time(NULL)`).
public enum AuthClock {
  public static func now() -> Int64 {
    Int64(Date().timeIntervalSince1970.rounded(.down))
  }
}
