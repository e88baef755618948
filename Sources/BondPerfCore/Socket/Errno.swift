import Glibc

/// A POSIX error number, as set by a failed system call.
///
/// An open set of C constants, so a struct with named statics rather than an enum
/// (as in swift-system). The C spellings (`EINTR`) are available as renamed aliases.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
  /// The C value of the error number.
  public let rawValue: CInt

  /// Creates an error number from its C value.
  public init(rawValue: CInt) {
    self.rawValue = rawValue
  }

  /// The calling thread's current error number.
  ///
  /// Read it immediately after the failing call: almost anything else may change it.
  /// Setting it is meant for tests that inject a failure.
  ///
  /// The corresponding C variable is `errno`.
  public static var current: Errno {
    get { Errno(rawValue: errno) }
    set { errno = newValue.rawValue }
  }

  /// The system's message and the symbolic name: "Connection refused (ECONNREFUSED)".
  ///
  /// The corresponding C function is `strerror`.
  public var description: String {
    let message = String(cString: strerror(rawValue))
    if let name = Errno.names[rawValue] { return "\(message) (\(name))" }
    return "\(message) (errno \(rawValue))"
  }

  /// The symbolic C name of this error number, such as `"EINTR"`, if known.
  public var name: String? { Errno.names[rawValue] }

  /// A system call was interrupted by a signal (`EINTR`).
  public static let interrupted = Errno(rawValue: Glibc.EINTR)
  /// The operation would block on a non-blocking descriptor (`EAGAIN`, `EWOULDBLOCK`).
  public static let wouldBlock = Errno(rawValue: Glibc.EAGAIN)
  /// A non-blocking connect has started and will finish later (`EINPROGRESS`).
  public static let inProgress = Errno(rawValue: Glibc.EINPROGRESS)
  /// A previous non-blocking connect hasn't finished yet (`EALREADY`).
  public static let alreadyInProgress = Errno(rawValue: Glibc.EALREADY)
  /// Nothing listens at the destination (`ECONNREFUSED`).
  public static let connectionRefused = Errno(rawValue: Glibc.ECONNREFUSED)
  /// The peer reset the connection (`ECONNRESET`).
  public static let connectionReset = Errno(rawValue: Glibc.ECONNRESET)
  /// The connection was aborted locally (`ECONNABORTED`).
  public static let connectionAborted = Errno(rawValue: Glibc.ECONNABORTED)
  /// The local address and port are already in use (`EADDRINUSE`).
  public static let addressInUse = Errno(rawValue: Glibc.EADDRINUSE)
  /// The address isn't assigned to any local interface (`EADDRNOTAVAIL`).
  public static let addressNotAvailable = Errno(rawValue: Glibc.EADDRNOTAVAIL)
  /// The address family doesn't suit the socket (`EAFNOSUPPORT`).
  public static let addressFamilyNotSupported = Errno(rawValue: Glibc.EAFNOSUPPORT)
  /// The operation timed out (`ETIMEDOUT`).
  public static let timedOut = Errno(rawValue: Glibc.ETIMEDOUT)
  /// The descriptor isn't a socket (`ENOTSOCK`).
  public static let notSocket = Errno(rawValue: Glibc.ENOTSOCK)
  /// The socket isn't connected (`ENOTCONN`).
  public static let notConnected = Errno(rawValue: Glibc.ENOTCONN)
  /// The socket is already connected (`EISCONN`).
  public static let alreadyConnected = Errno(rawValue: Glibc.EISCONN)
  /// Writing to a connection whose peer has gone (`EPIPE`).
  public static let brokenPipe = Errno(rawValue: Glibc.EPIPE)
  /// The descriptor isn't open (`EBADF`).
  public static let badFileDescriptor = Errno(rawValue: Glibc.EBADF)
  /// An argument is invalid (`EINVAL`).
  public static let invalidArgument = Errno(rawValue: Glibc.EINVAL)
  /// The network is unreachable (`ENETUNREACH`).
  public static let networkUnreachable = Errno(rawValue: Glibc.ENETUNREACH)
  /// The host is unreachable (`EHOSTUNREACH`).
  public static let hostUnreachable = Errno(rawValue: Glibc.EHOSTUNREACH)
  /// The process lacks a privilege the operation needs (`EPERM`).
  public static let notPermitted = Errno(rawValue: Glibc.EPERM)
  /// Access was denied (`EACCES`).
  public static let permissionDenied = Errno(rawValue: Glibc.EACCES)
  /// No such device, such as an unknown interface name (`ENODEV`).
  public static let noSuchDevice = Errno(rawValue: Glibc.ENODEV)
  /// The protocol doesn't know the socket option (`ENOPROTOOPT`).
  public static let optionNotSupported = Errno(rawValue: Glibc.ENOPROTOOPT)
  /// The per-process descriptor limit was reached (`EMFILE`).
  public static let tooManyOpenFiles = Errno(rawValue: Glibc.EMFILE)
  /// `ENFILE`: the system's file table is full.
  public static let tooManyOpenFilesInSystem = Errno(rawValue: Glibc.ENFILE)
  /// No buffer space is available (`ENOBUFS`).
  public static let noBufferSpace = Errno(rawValue: Glibc.ENOBUFS)
  /// The file doesn't exist (`ENOENT`).
  public static let noSuchFile = Errno(rawValue: Glibc.ENOENT)

  private static let names: [CInt: String] = [
    Glibc.EINTR: "EINTR",
    Glibc.EAGAIN: "EAGAIN",
    Glibc.EINPROGRESS: "EINPROGRESS",
    Glibc.EALREADY: "EALREADY",
    Glibc.ECONNREFUSED: "ECONNREFUSED",
    Glibc.ECONNRESET: "ECONNRESET",
    Glibc.ECONNABORTED: "ECONNABORTED",
    Glibc.EADDRINUSE: "EADDRINUSE",
    Glibc.EADDRNOTAVAIL: "EADDRNOTAVAIL",
    Glibc.EAFNOSUPPORT: "EAFNOSUPPORT",
    Glibc.ETIMEDOUT: "ETIMEDOUT",
    Glibc.ENOTSOCK: "ENOTSOCK",
    Glibc.ENOTCONN: "ENOTCONN",
    Glibc.EISCONN: "EISCONN",
    Glibc.EPIPE: "EPIPE",
    Glibc.EBADF: "EBADF",
    Glibc.EINVAL: "EINVAL",
    Glibc.ENETUNREACH: "ENETUNREACH",
    Glibc.EHOSTUNREACH: "EHOSTUNREACH",
    Glibc.EPERM: "EPERM",
    Glibc.EACCES: "EACCES",
    Glibc.ENODEV: "ENODEV",
    Glibc.ENOPROTOOPT: "ENOPROTOOPT",
    Glibc.EMFILE: "EMFILE",
    Glibc.ENOBUFS: "ENOBUFS",
    Glibc.ENOENT: "ENOENT",
    Glibc.EFAULT: "EFAULT",
    Glibc.ENOMEM: "ENOMEM",
    Glibc.ENFILE: "ENFILE",
    Glibc.ENETDOWN: "ENETDOWN",
  ]
}

extension Errno {
  @available(*, unavailable, renamed: "interrupted")
  public static var EINTR: Errno { interrupted }
  @available(*, unavailable, renamed: "wouldBlock")
  public static var EAGAIN: Errno { wouldBlock }
  @available(*, unavailable, renamed: "inProgress")
  public static var EINPROGRESS: Errno { inProgress }
  @available(*, unavailable, renamed: "connectionRefused")
  public static var ECONNREFUSED: Errno { connectionRefused }
  @available(*, unavailable, renamed: "connectionReset")
  public static var ECONNRESET: Errno { connectionReset }
  @available(*, unavailable, renamed: "addressInUse")
  public static var EADDRINUSE: Errno { addressInUse }
  @available(*, unavailable, renamed: "timedOut")
  public static var ETIMEDOUT: Errno { timedOut }
  @available(*, unavailable, renamed: "notSocket")
  public static var ENOTSOCK: Errno { notSocket }
  @available(*, unavailable, renamed: "brokenPipe")
  public static var EPIPE: Errno { brokenPipe }
  @available(*, unavailable, renamed: "notConnected")
  public static var ENOTCONN: Errno { notConnected }
}
