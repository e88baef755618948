/// A request the server refuses: the status to answer with and a one-line reason.
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
  public var status: Int
  public var reason: String

  public init(_ status: Int, _ reason: String) {
    self.status = status
    self.reason = reason
  }

  public var description: String { "\(status) \(HTTPResponse.reasonPhrase(status)): \(reason)" }
}
