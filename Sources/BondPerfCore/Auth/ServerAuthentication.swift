import Foundation

/// A server's authentication (`--rsa-private-key-path`, `--authorized-users-path`,
/// `--time-skew-threshold`, `--use-pkcs1-padding`): every test must carry a
/// token from a user in the file, made within the threshold of now.
public struct ServerAuthentication: Sendable {
  public var privateKey: RSAPrivateKey
  /// Read for every test, as iperf3 does, so edits apply to the next test.
  public var usersPath: String
  public var skewThreshold: TimeSkewThreshold
  /// OAEP, as iperf3 3.17+; PKCS#1 v1.5 for clients before 3.17.
  public var padding: RSAPadding

  public init(
    privateKey: RSAPrivateKey, usersPath: String,
    skewThreshold: TimeSkewThreshold = .iperf3Default, padding: RSAPadding = .oaep
  ) {
    self.privateKey = privateKey
    self.usersPath = usersPath
    self.skewThreshold = skewThreshold
    self.padding = padding
  }

  /// Checks the users file can be read now (iperf3 checks at start-up too:
  /// "cannot access authorized users file").
  public func checkUsersFile() throws(AuthError) {
    _ = try AuthorizedUsers.load(path: usersPath)
  }

  /// The credentials in `token` if they are accepted at `now`, in iperf3's
  /// order: decrypt, the clock, then the users file.
  public func verify(token: String?, now: Int64) throws(AuthRefusal) -> AuthCredentials {
    guard let token else { throw .noToken }
    guard let ciphertext = Data(base64Encoded: token),
      let plaintext = privateKey.decrypt(Array(ciphertext), padding: padding)
    else { throw .undecryptable(padding: padding) }
    guard let credentials = AuthCredentials(plaintext: plaintext) else { throw .malformed }
    guard skewThreshold.accepts(timestamp: credentials.timestamp, now: now) else {
      let (skew, overflow) = now.subtractingReportingOverflow(credentials.timestamp)
      throw .clockSkew(
        username: credentials.username, seconds: overflow ? .max : skew, threshold: skewThreshold)
    }
    let users: AuthorizedUsers
    do {
      users = try AuthorizedUsers.load(path: usersPath)
    } catch {
      throw .usersFile(error)
    }
    switch users.check(username: credentials.username, password: credentials.password) {
    case .accepted: return credentials
    case .unknownUser: throw .unknownUser(credentials.username)
    case .wrongPassword: throw .wrongPassword(credentials.username)
    }
  }
}
