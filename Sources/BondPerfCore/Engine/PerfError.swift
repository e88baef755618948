/// An error that ends a test, with a one-line message in iperf3's wording
/// where iperf3 has one.
public struct PerfError: Error, CustomStringConvertible, Sendable, Hashable {
  public var description: String

  public init(_ description: String) {
    self.description = description
  }

  static let accessDenied = PerfError("the server is busy running a test. try again later")
  static let controlClosed = PerfError("control socket has closed unexpectedly")
  public static let interrupted = PerfError("interrupt - the client has terminated")
  static let serverTerminated = PerfError("the server has terminated")
  static let clientTerminated = PerfError("the client has terminated")
}
