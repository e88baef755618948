/// An error that ends a test or stops a server: a ``Code`` to match on, a
/// one-line message in iperf3's wording where iperf3 has one, and the error
/// underneath when there is one.
public struct PerfError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What went wrong, for code that decides what to do about it.
  public enum Code: Sendable, Hashable {
    /// The server is running another test (ACCESS_DENIED).
    case accessDenied
    /// The peer closed the control connection mid-test.
    case controlClosed
    /// The client was interrupted (SIGINT, SIGTERM) before it could report.
    case interrupted
    /// The server ended the test (SERVER_TERMINATE), or is stopping.
    case serverTerminated
    /// The client ended the test (CLIENT_TERMINATE).
    case clientTerminated
    /// The server reported an iperf3 error (SERVER_ERROR and its codes).
    case serverError
    /// The peer broke the control protocol.
    case protocolViolation
    /// The peer said nothing, or not all of it, in time.
    case timedOut
    /// The server refused the test: its limits, its parameters or its cookie.
    case refused
    /// A connection, socket or stream failed.
    case network
    /// No data moved for the idle timeout.
    case idle
    /// Anything else: a listener, a log file, results that don't add up.
    case failed
  }

  public var code: Code
  public var message: String
  /// The error this one wraps, if any.
  public var underlying: (any Error)?

  public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  /// A ``Code/failed`` error with `message`.
  public init(_ message: String) {
    self.init(.failed, message)
  }

  public var description: String { message }

  /// Equal when the code and the message are; the underlying error isn't compared.
  public static func == (lhs: PerfError, rhs: PerfError) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message
  }

  static let accessDenied = PerfError(
    .accessDenied, "the server is busy running a test. try again later")
  static let controlClosed = PerfError(.controlClosed, "control socket has closed unexpectedly")
  public static let interrupted = PerfError(.interrupted, "interrupt - the client has terminated")
  static let serverTerminated = PerfError(.serverTerminated, "the server has terminated")
  static let clientTerminated = PerfError(.clientTerminated, "the client has terminated")
}
