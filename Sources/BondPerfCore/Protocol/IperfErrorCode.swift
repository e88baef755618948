/// An iperf3 error code (`i_errno`), as carried after ``ControlMessage/serverError``.
///
/// An open set, so a struct rather than an enum: unknown codes still print.
public struct IperfErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
  /// The numeric code.
  public var rawValue: Int32

  public init(rawValue: Int32) {
    self.rawValue = rawValue
  }

  // Codes a server may report after SERVER_ERROR (docs/iperf3-protocol.md, Appendix B).

  /// IENUMSTREAMS.
  public static let numberOfStreams = IperfErrorCode(rawValue: 6)
  /// IEDURATION.
  public static let duration = IperfErrorCode(rawValue: 5)
  /// IEBLOCKSIZE.
  public static let blockSize = IperfErrorCode(rawValue: 7)
  /// IEBUFSIZE.
  public static let bufferSize = IperfErrorCode(rawValue: 8)
  /// IEMSS.
  public static let mss = IperfErrorCode(rawValue: 10)
  /// IEOMIT.
  public static let omit = IperfErrorCode(rawValue: 12)
  /// IEUNIMP.
  public static let notImplemented = IperfErrorCode(rawValue: 13)
  /// IEENDCONDITIONS.
  public static let endConditions = IperfErrorCode(rawValue: 16)
  /// IENOSCTP.
  public static let noSCTP = IperfErrorCode(rawValue: 18)
  /// IETOTALRATE.
  public static let totalRate = IperfErrorCode(rawValue: 27)
  /// IEMAXSERVERTESTDURATIONEXCEEDED.
  public static let maxServerTestDurationExceeded = IperfErrorCode(rawValue: 37)
  /// IELISTEN.
  public static let listen = IperfErrorCode(rawValue: 102)
  /// IECTRLCLOSE.
  public static let controlClosed = IperfErrorCode(rawValue: 109)
  /// IEMESSAGE.
  public static let unknownControlMessage = IperfErrorCode(rawValue: 110)
  /// IERECVPARAMS.
  public static let receiveParameters = IperfErrorCode(rawValue: 114)
  /// IERECVRESULTS.
  public static let receiveResults = IperfErrorCode(rawValue: 117)
  /// IECLIENTTERM.
  public static let clientTerminated = IperfErrorCode(rawValue: 119)
  /// IESERVERTERM.
  public static let serverTerminated = IperfErrorCode(rawValue: 120)
  /// IEACCESSDENIED.
  public static let accessDenied = IperfErrorCode(rawValue: 121)
  /// IEAUTHTEST.
  public static let authenticationFailed = IperfErrorCode(rawValue: 142)
  /// IENOMSG.
  public static let noMessage = IperfErrorCode(rawValue: 144)
  /// IESERVERTESTDURATIONEXPIRED.
  public static let serverTestDurationExpired = IperfErrorCode(rawValue: 160)
  /// IESETTOS.
  public static let setTOS = IperfErrorCode(rawValue: 125)
  /// IESETFLOW.
  public static let setFlowLabel = IperfErrorCode(rawValue: 127)
  /// IEPROTOCOL.
  public static let protocolDoesNotExist = IperfErrorCode(rawValue: 131)
  /// IEAFFINITY.
  public static let affinity = IperfErrorCode(rawValue: 132)
  /// IESETUSERTIMEOUT.
  public static let setUserTimeout = IperfErrorCode(rawValue: 148)
  /// IESTREAMLISTEN.
  public static let streamListen = IperfErrorCode(rawValue: 202)
  /// IESTREAMWRITE.
  public static let streamWrite = IperfErrorCode(rawValue: 205)
  /// IESTREAMID.
  public static let streamID = IperfErrorCode(rawValue: 208)

  private static let texts: [Int32: (name: String, text: String)] = [
    5: ("IEDURATION", "test duration too long (maximum = 86400 seconds)"),
    6: ("IENUMSTREAMS", "number of parallel streams too large (maximum = 128)"),
    7: ("IEBLOCKSIZE", "block size too large (maximum = 1048576 bytes)"),
    8: ("IEBUFSIZE", "socket buffer size too large (maximum = 536870912 bytes)"),
    10: ("IEMSS", "TCP MSS too large (maximum = 9216 bytes)"),
    12: ("IEOMIT", "bogus value for --omit"),
    13: ("IEUNIMP", "an option you are trying to set is not implemented yet"),
    16: ("IEENDCONDITIONS", "only one test end condition (-t, -n, -k) may be specified"),
    18: ("IENOSCTP", "no SCTP support available"),
    27: ("IETOTALRATE", "total required bandwidth is larger than server limit"),
    37: (
      "IEMAXSERVERTESTDURATIONEXCEEDED",
      "client's requested duration exceeds the server's maximum permitted limit"
    ),
    102: ("IELISTEN", "unable to start listener for connections"),
    109: ("IECTRLCLOSE", "control socket has closed unexpectedly"),
    110: ("IEMESSAGE", "received an unknown control message"),
    114: ("IERECVPARAMS", "unable to receive parameters from client"),
    117: ("IERECVRESULTS", "unable to receive results"),
    119: ("IECLIENTTERM", "the client has terminated"),
    120: ("IESERVERTERM", "the server has terminated"),
    121: ("IEACCESSDENIED", "the server is busy running a test. try again later"),
    142: ("IEAUTHTEST", "test authorization failed"),
    144: ("IENOMSG", "idle timeout for receiving data"),
    160: ("IESERVERTESTDURATIONEXPIRED", "server test duration expired"),
    125: ("IESETTOS", "unable to set IP TOS"),
    127: ("IESETFLOW", "unable to set IPv6 flow label"),
    131: ("IEPROTOCOL", "protocol does not exist"),
    132: ("IEAFFINITY", "unable to set CPU affinity"),
    148: ("IESETUSERTIMEOUT", "unable to set TCP USER_TIMEOUT"),
    202: ("IESTREAMLISTEN", "unable to start stream listener"),
    205: ("IESTREAMWRITE", "unable to write to stream socket"),
    208: ("IESTREAMID", "stream has an invalid id"),
  ]

  /// iperf3's constant name, for example `IEACCESSDENIED`; `nil` if unknown here.
  public var name: String? { IperfErrorCode.texts[rawValue]?.name }

  /// The text iperf3 prints for this code, or "unknown iperf3 error <n>".
  public var text: String {
    IperfErrorCode.texts[rawValue]?.text ?? "unknown iperf3 error \(rawValue)"
  }

  public var description: String { text }

  /// The line to print for a SERVER_ERROR: the text, plus the server's errno when non-zero.
  public static func message(iperfErrno: Int32, errno: Int32) -> String {
    let text = IperfErrorCode(rawValue: iperfErrno).text
    return errno == 0 ? text : "\(text) (server errno \(errno))"
  }
}
