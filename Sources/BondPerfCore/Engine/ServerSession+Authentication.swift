extension ServerSession {
  /// With `--rsa-private-key-path`: refuses a test whose credentials the users
  /// file doesn't accept, with SERVER_ERROR and IEAUTHTEST as iperf3 does.
  func authenticate(_ parameters: TestParameters) throws {
    guard let authentication = configuration.authentication else { return }
    do {
      _ = try authentication.verify(token: parameters.authToken, now: AuthClock.now())
    } catch {
      authenticationFailed = true
      throw refusal(.authenticationFailed, "test authorization failed: \(error)")
    }
  }
}
