/// Why a JSON text could not be parsed, and where.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Byte offset into the input where the problem was found.
  public var offset: Int
  /// What was wrong, for example "expected ':' after an object key".
  public var reason: String

  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
