import Foundation

/// A hand-driven iperf3 client on raw sockets: it walks the control protocol
/// one step at a time so a test can misbehave at any chosen point.
final class RawClient {
  let control: RawTCP
  let cookie = e2eCookie()
  let port: UInt16
  private(set) var data: [RawTCP] = []

  init(port: UInt16) throws {
    self.port = port
    control = try RawTCP(port: port)
  }

  /// Parameters for a one-stream TCP test, as iperf3 3.12 sends them.
  static let parameters = Array(
    #"{"tcp":true,"omit":0,"time":5,"num":0,"blockcount":0,"parallel":1,"len":131072,"pacing_timer":1000,"client_version":"3.12"}"#
      .utf8)

  /// Sends the cookie and waits for PARAM_EXCHANGE.
  func sendCookie() throws {
    try control.send(cookie)
    try expect([0x09], "PARAM_EXCHANGE")
  }

  /// Walks the protocol to TEST_RUNNING with one data connection open.
  func startTest() throws {
    try sendCookie()
    try control.send(e2eFrame(RawClient.parameters))
    try expect([0x0a], "CREATE_STREAMS")
    let stream = try RawTCP(port: port)
    try stream.send(cookie)
    data.append(stream)
    try expect([0x01, 0x02], "TEST_START, TEST_RUNNING")
  }

  /// Sends TEST_END and waits for EXCHANGE_RESULTS.
  func endTest() throws {
    try control.send([0x04])
    try expect([0x0d], "EXCHANGE_RESULTS")
  }

  /// Reads `bytes` from the control connection or throws naming `what`.
  func expect(_ bytes: [UInt8], _ what: String) throws {
    let got = control.read(bytes.count, timeout: .seconds(10))
    guard got == bytes else { throw E2EError("expected \(what) \(bytes), got \(got)") }
  }
}

/// SERVER_ERROR (0xfe) followed by iperf3's error code and errno, big-endian.
func e2eServerError(_ code: Int32) -> [UInt8] {
  let value = UInt32(bitPattern: code)
  return [
    0xfe, UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff),
    UInt8(value & 0xff), 0, 0, 0, 0,
  ]
}
