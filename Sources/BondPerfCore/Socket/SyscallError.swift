/// A failed system call: which C call failed, its error number and the context.
///
/// The description is one line, such as
/// "connect to 198.18.0.2 port 5201: Connection refused (ECONNREFUSED)".
public struct SyscallError: Error, CustomStringConvertible, Sendable, Hashable {
  /// The C function that failed, such as `"connect"`.
  public var call: String
  /// The error number, or `nil` for failures that aren't reported through `errno`
  /// (`getaddrinfo`'s own codes, a missing address).
  public var errno: Errno?
  /// Context for the failure, such as `"to 198.18.0.2 port 5201"`; may be empty.
  public var detail: String
  /// The reason when ``errno`` is `nil`, such as `gai_strerror`'s text.
  public var message: String?

  /// Creates an error for a failed call.
  ///
  /// - Parameters:
  ///   - call: The C function that failed.
  ///   - errno: Its error number, if it set one.
  ///   - detail: Context such as the address.
  ///   - message: The reason, when there is no `errno`.
  public init(call: String, errno: Errno?, detail: String = "", message: String? = nil) {
    self.call = call
    self.errno = errno
    self.detail = detail
    self.message = message
  }

  /// "call detail: reason", on one line.
  public var description: String {
    let subject = detail.isEmpty ? call : "\(call) \(detail)"
    let reason = errno?.description ?? message ?? "failed"
    return "\(subject): \(reason)"
  }
}
