import ArgumentParser

/// The server's authentication flags, caught (and hidden) by the client so
/// that `bondperf client HOST --rsa-private-key-path F` names the flag.
struct MisplacedServerAuthFlags: ParsableArguments {
  @Option(name: .customLong("rsa-private-key-path"), help: .hidden)
  var rsaPrivateKeyPath: String?
  @Option(name: .customLong("authorized-users-path"), help: .hidden)
  var authorizedUsersPath: String?
  @Option(name: .customLong("time-skew-threshold"), help: .hidden)
  var timeSkewThreshold: String?

  func validate() throws {
    let given: [(Bool, String)] = [
      (rsaPrivateKeyPath != nil, "--rsa-private-key-path"),
      (authorizedUsersPath != nil, "--authorized-users-path"),
      (timeSkewThreshold != nil, "--time-skew-threshold"),
    ]
    guard let flag = given.first(where: \.0)?.1 else { return }
    throw ValidationError(
      "\(flag) is a server option; the server checks credentials, the client sends "
        + "them (--username, --rsa-public-key-path).")
  }
}

/// The client's authentication flags, caught (and hidden) by the server so
/// that `bondperf server --username U` names the flag.
struct MisplacedClientAuthFlags: ParsableArguments {
  @Option(name: .customLong("username"), help: .hidden)
  var username: String?
  @Option(name: .customLong("rsa-public-key-path"), help: .hidden)
  var rsaPublicKeyPath: String?

  func validate() throws {
    let given: [(Bool, String)] = [
      (username != nil, "--username"), (rsaPublicKeyPath != nil, "--rsa-public-key-path"),
    ]
    guard let flag = given.first(where: \.0)?.1 else { return }
    throw ValidationError(
      "\(flag) is a client option; the server checks credentials with "
        + "--rsa-private-key-path and --authorized-users-path.")
  }
}
