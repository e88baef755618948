/// A request the exporter refuses: the status to answer with and a one-line reason.
public struct ExporterError: Error, Sendable, Hashable, CustomStringConvertible {
  public var status: Int
  public var reason: String

  public init(_ status: Int, _ reason: String) {
    self.status = status
    self.reason = reason
  }

  public var description: String { "\(status) \(Self.reasonPhrase(status)): \(reason)" }

  /// The reason phrase of the statuses the exporter answers with.
  public static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 400: "Bad Request"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 500: "Internal Server Error"
    case 503: "Service Unavailable"
    case 505: "HTTP Version Not Supported"
    default: "Status"
    }
  }
}
