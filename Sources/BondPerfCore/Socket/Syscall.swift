import Glibc

/// Calls a system call until it stops failing with `EINTR`.
///
/// The only EINTR loop in bondperf: every system call but `close` goes through it.
/// `body` must return `-1` and set `errno` on failure, as system calls do.
///
/// - Parameter body: Makes the call and returns its result.
/// - Returns: The call's result, which isn't `-1`.
/// - Throws: The ``Errno`` of the first failure that isn't `EINTR`.
@inline(__always)
func retryingOnInterrupt<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
  while true {
    let result = body()
    if result != -1 { return result }
    let error = Errno.current  // read errno before any other call can change it
    if error != .interrupted { throw error }
  }
}

/// Makes a system call through ``retryingOnInterrupt(_:)`` and names it in any error.
///
/// - Parameters:
///   - call: The C function's name, for the error ("connect").
///   - detail: Context for the error, such as the address ("to 10.0.0.1 port 5201").
///   - body: Makes the call.
/// - Returns: The call's result, which isn't `-1`.
/// - Throws: A ``SyscallError`` with the call, its ``Errno`` and `detail`.
@inline(__always)
func systemCall<T: FixedWidthInteger>(
  _ call: String, _ detail: @autoclosure () -> String = "", _ body: () -> T
) throws(SyscallError) -> T {
  do {
    return try retryingOnInterrupt(body)
  } catch {
    throw SyscallError(call: call, errno: error, detail: detail())
  }
}
