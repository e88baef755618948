/// Something a peer sent (or we were about to do) that breaks iperf3's protocol.
///
/// Each case prints as one line naming what is wrong.
public enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A state byte iperf3 doesn't define or never sends.
  case unknownControlMessage(UInt8)
  /// An event that isn't allowed in the current state; both are iperf3-style
  /// names, for example `TEST_END` and `PARAM_EXCHANGE`.
  case unexpectedEvent(event: String, state: String)
  /// A message sent by the wrong side, for example the client sending `TEST_START`.
  case wrongSender(ControlMessage, sentBy: Role)
  /// A frame length prefix outside `1...maximum`; the body isn't read.
  case invalidFrameLength(UInt32, maximum: Int)
  /// A frame body that isn't valid JSON.
  case invalidJSON(JSONError)
  /// A message whose top level should be an object; `what` names the message.
  case notAnObject(String)
  /// A required field is missing; `field` is a path like `streams[1].bytes`.
  case missingField(String)
  /// A field has the wrong JSON type.
  case wrongType(field: String, expected: String, found: String)
  /// A field has a value outside its allowed range.
  case invalidValue(field: String, reason: String)
  /// A stream result has only one of `omitted_errors` and `omitted_packets`.
  case omittedCountsMismatch(streamID: Int)
  /// Encoded parameters would exceed what a 3.18+ server accepts.
  case parametersTooLarge(Int)

  public var description: String {
    switch self {
    case .unknownControlMessage(let byte):
      let hex = String(byte, radix: 16)
      return "received an unknown control message 0x" + (hex.count < 2 ? "0" : "") + hex
    case .unexpectedEvent(let event, let state):
      return "unexpected \(event) in state \(state)"
    case .wrongSender(let message, let role):
      return "\(message.name) can't come from the \(role); only the \(role.peer) sends it"
    case .invalidFrameLength(let length, let maximum):
      return "JSON frame length \(length) is outside 1...\(maximum)"
    case .invalidJSON(let error):
      return error.description
    case .notAnObject(let what):
      return "\(what) is not a JSON object"
    case .missingField(let field):
      return "missing required field \"\(field)\""
    case .wrongType(let field, let expected, let found):
      return "field \"\(field)\" should be a \(expected), not a \(found)"
    case .invalidValue(let field, let reason):
      return "field \"\(field)\" \(reason)"
    case .omittedCountsMismatch(let id):
      return "stream \(id) has only one of \"omitted_errors\" and \"omitted_packets\""
    case .parametersTooLarge(let count):
      return
        "parameter JSON is \(count) bytes; servers accept at most \(Framing.maximumParameterLength)"
    }
  }
}
