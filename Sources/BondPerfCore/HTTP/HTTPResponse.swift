/// A response: status, content type and body; every response closes the connection.
public struct HTTPResponse: Sendable, Hashable {
  public var status: Int
  public var contentType: String
  public var body: String
  /// Extra header fields (`Allow` on a 405).
  public var headers: [HTTPRequest.QueryItem]

  public init(
    status: Int = 200, contentType: String = "text/plain; charset=utf-8", body: String,
    headers: [HTTPRequest.QueryItem] = []
  ) {
    self.status = status
    self.contentType = contentType
    self.body = body
    self.headers = headers
  }

  /// A plain-text error: the reason on one line.
  public init(_ error: HTTPError, headers: [HTTPRequest.QueryItem] = []) {
    self.init(status: error.status, body: error.reason + "\n", headers: headers)
  }

  /// The bytes on the wire; only the head for a HEAD request.
  public func bytes(headOnly: Bool = false) -> [UInt8] {
    let body = Array(self.body.utf8)
    var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
    head += "Content-Type: \(contentType)\r\n"
    head += "Content-Length: \(body.count)\r\n"
    head += "Connection: close\r\n"
    for header in headers { head += "\(header.name): \(header.value)\r\n" }
    head += "\r\n"
    return Array(head.utf8) + (headOnly ? [] : body)
  }

  public static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 400: "Bad Request"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 408: "Request Timeout"
    case 414: "URI Too Long"
    case 431: "Request Header Fields Too Large"
    case 500: "Internal Server Error"
    case 503: "Service Unavailable"
    case 505: "HTTP Version Not Supported"
    default: "Status"
    }
  }
}
