extension ConversationError {
  /// The iperf3 error code whose text tells an iperf3 client why its parameters were
  /// refused, rather than IERECVPARAMS with an empty reason: IENOSCTP for SCTP,
  /// IEUNIMP for another transport this server doesn't run, IENUMSTREAMS, IEOMIT,
  /// IEBLOCKSIZE, IEDURATION, IEMSS, IEBUFSIZE or IEENDCONDITIONS for a value out of
  /// range; IERECVPARAMS only for parameters that did not arrive as JSON.
  public var iperfErrorCode: IperfErrorCode {
    switch self {
    case .unsupportedTransport(.sctp): return .noSCTP
    case .unsupportedTransport: return .notImplemented
    case .malformed(.parameters, .invalidValue(let field, _)):
      switch field {
      case "parallel": return .numberOfStreams
      case "omit": return .omit
      case "len": return .blockSize
      case "time": return .duration
      case "MSS": return .mss
      case "window": return .bufferSize
      case "num", "blockcount": return .endConditions
      default: return .receiveParameters
      }
    default: return .receiveParameters
    }
  }
}
