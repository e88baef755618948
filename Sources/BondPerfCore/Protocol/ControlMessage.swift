/// A one-byte state message on iperf3's control connection.
///
/// On the wire each is a C `signed char`: `0xff` is ``accessDenied`` (-1) and
/// `0xfe` is ``serverError`` (-2). Values iperf3 defines but never sends
/// (3, 5-8, 15) are not cases, so receiving them is an error, as in iperf3.
public enum ControlMessage: Int8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Server: all data connections are in; start the clock.
  case testStart = 1
  /// Server: start moving data (always right after TEST_START).
  case testRunning = 2
  /// Client: the test is over.
  case testEnd = 4
  /// Server: send your parameter JSON.
  case paramExchange = 9
  /// Server: open the data connections.
  case createStreams = 10
  /// Server: interrupted by a signal; the test is aborted.
  case serverTerminate = 11
  /// Client: interrupted by a signal; the test is aborted.
  case clientTerminate = 12
  /// Server: results follow, the client's first.
  case exchangeResults = 13
  /// Server: the exchange is over; print and say goodbye.
  case displayResults = 14
  /// Client: the last message of a successful test.
  case iperfDone = 16
  /// Server: busy, or a wrong cookie; nothing follows.
  case accessDenied = -1
  /// Server: two big-endian `Int32`s follow (i_errno, errno).
  case serverError = -2

  /// Decodes a wire byte; `nil` for a byte iperf3 never sends.
  public init?(byte: UInt8) {
    self.init(rawValue: Int8(bitPattern: byte))
  }

  /// The single byte to write.
  public var byte: UInt8 { UInt8(bitPattern: rawValue) }

  /// The side that may send this message.
  public var sender: Role {
    switch self {
    case .testEnd, .clientTerminate, .iperfDone: return .client
    default: return .server
    }
  }

  /// Whether this message ends the test abnormally (access denied, server
  /// error, or a terminate from either side).
  public var isAbort: Bool {
    switch self {
    case .accessDenied, .serverError, .serverTerminate, .clientTerminate: return true
    default: return false
    }
  }

  /// iperf3's name for the state, for example `TEST_END`.
  public var name: String {
    switch self {
    case .testStart: return "TEST_START"
    case .testRunning: return "TEST_RUNNING"
    case .testEnd: return "TEST_END"
    case .paramExchange: return "PARAM_EXCHANGE"
    case .createStreams: return "CREATE_STREAMS"
    case .serverTerminate: return "SERVER_TERMINATE"
    case .clientTerminate: return "CLIENT_TERMINATE"
    case .exchangeResults: return "EXCHANGE_RESULTS"
    case .displayResults: return "DISPLAY_RESULTS"
    case .iperfDone: return "IPERF_DONE"
    case .accessDenied: return "ACCESS_DENIED"
    case .serverError: return "SERVER_ERROR"
    }
  }

  public var description: String { name }
}
