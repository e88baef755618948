/// How one probe's test ended: its `-J` document (which has an `error` key if
/// the test failed after it started), or why there is none.
public enum ProbeOutcome: Sendable {
  case document(JSONValue)
  case failed(String)
}
