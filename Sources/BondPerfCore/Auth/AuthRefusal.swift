/// Why a server refused a client's authentication. The client is told only
/// IEAUTHTEST ("test authorization failed"), as iperf3 does; the server's log
/// line says which of these it was.
public enum AuthRefusal: Error, CustomStringConvertible, Sendable, Equatable {
  /// The parameters carry no `authtoken`.
  case noToken
  /// The token is not base64, or does not decrypt with this key and padding.
  case undecryptable(padding: RSAPadding)
  /// The token decrypts, but not to iperf3's `user: ... pwd: ... ts: ...` text.
  case malformed
  /// The token's timestamp is too far from the server's clock.
  case clockSkew(username: String, seconds: Int64, threshold: TimeSkewThreshold)
  /// The users file can't be read.
  case usersFile(AuthError)
  /// No line of the users file names the user.
  case unknownUser(String)
  /// The users file names the user with another password.
  case wrongPassword(String)

  public var description: String {
    switch self {
    case .noToken:
      return "the client sent no credentials (iperf3: --username and --rsa-public-key-path)"
    case .undecryptable(let padding):
      let hint =
        padding == .oaep
        ? "; a client before iperf3 3.17 uses PKCS#1 v1.5 padding (--use-pkcs1-padding)"
        : "; iperf3 3.17 and later clients use OAEP padding (drop --use-pkcs1-padding)"
      return "the credentials do not decrypt with this private key and \(padding) padding"
        + "\(hint), or the client used another server's public key"
    case .malformed:
      return "the decrypted credentials are not iperf3's user/pwd/ts text"
    case .clockSkew(let username, let seconds, let threshold):
      return "user \(username): the client's clock is \(seconds.magnitude) s "
        + (seconds >= 0 ? "behind" : "ahead of") + " this server's, more than "
        + "--time-skew-threshold \(threshold.seconds)"
    case .usersFile(let error):
      return "\(error)"
    case .unknownUser(let username):
      return "user \(username) is not in the authorized users file"
    case .wrongPassword(let username):
      return "wrong password for user \(username)"
    }
  }
}
