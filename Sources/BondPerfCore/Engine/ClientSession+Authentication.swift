extension ClientSession {
  /// `parameters` with a fresh `authtoken` when the client has credentials
  /// (iperf3 makes it as the parameters go out, so its timestamp is now).
  func authenticated(_ parameters: TestParameters) throws -> TestParameters {
    guard let authentication = configuration.authentication else { return parameters }
    var sent = parameters
    do {
      sent.authToken = try authentication.token()
    } catch {
      throw PerfError(.failed, "\(error)", underlying: error)
    }
    return sent
  }
}
