/// Why the exporter's HTTP server could not start or stopped.
public struct ExporterServerError: Error, Sendable, CustomStringConvertible {
  public var description: String

  public init(_ description: String) {
    self.description = description
  }
}
