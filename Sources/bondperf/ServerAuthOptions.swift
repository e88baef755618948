import ArgumentParser
import BondPerfCore

/// iperf3's server authentication flags: every test must carry credentials
/// that the private key decrypts and the users file accepts.
struct ServerAuthOptions: ParsableArguments {
  @Option(
    name: .customLong("rsa-private-key-path"),
    help: ArgumentHelp(
      "Path to the RSA private key (PEM) that decrypts the clients' credentials.",
      valueName: "path"))
  var rsaPrivateKeyPath: String?

  @Option(
    name: .customLong("authorized-users-path"),
    help: ArgumentHelp(
      "Path to the users allowed to run tests: username,sha256(\"{username}password\") lines.",
      valueName: "path"))
  var authorizedUsersPath: String?

  @Option(
    name: .customLong("time-skew-threshold"),
    help: ArgumentHelp(
      "Seconds a client's clock may differ from this server's (default "
        + "\(TimeSkewThreshold.iperf3Default.seconds)).",
      valueName: "seconds"))
  var timeSkewThreshold: Int?

  @Flag(
    name: .customLong("use-pkcs1-padding"),
    help: "Decrypt credentials with PKCS#1 v1.5 padding, from clients before iperf3 3.17.")
  var usePKCS1Padding = false

  func validate() throws {
    if (rsaPrivateKeyPath == nil) != (authorizedUsersPath == nil) {
      throw ValidationError(
        "--rsa-private-key-path and --authorized-users-path go together: authentication "
          + "needs the RSA private key and the authorized users file.")
    }
    if let timeSkewThreshold, TimeSkewThreshold(seconds: timeSkewThreshold) == nil {
      throw ValidationError(
        "--time-skew-threshold must be a positive number of seconds, got \(timeSkewThreshold).")
    }
  }

  /// The server's authentication, or nil without the flags: loads the key and
  /// checks that the users file can be read (iperf3 checks both at start-up).
  func authentication() throws -> ServerAuthentication? {
    guard let rsaPrivateKeyPath, let authorizedUsersPath else { return nil }
    let key: RSAPrivateKey
    do {
      key = try RSAPrivateKey(path: rsaPrivateKeyPath)
    } catch {
      throw ValidationError("--rsa-private-key-path: \(error).")
    }
    let authentication = ServerAuthentication(
      privateKey: key, usersPath: authorizedUsersPath,
      skewThreshold: timeSkewThreshold.flatMap(TimeSkewThreshold.init(seconds:))
        ?? .iperf3Default,
      padding: usePKCS1Padding ? .pkcs1 : .oaep)
    do {
      try authentication.checkUsersFile()
    } catch {
      throw ValidationError("--authorized-users-path: \(error).")
    }
    return authentication
  }
}
