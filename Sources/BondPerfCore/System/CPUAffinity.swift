import CBondPerfLinux
import Glibc

/// CPU affinity of the calling thread (iperf3's `-A n[,m]`): a test's thread pins
/// itself before it starts its stream threads, which inherit the mask.
public enum CPUAffinity {
  /// Why a thread could not be pinned: the CPU and the kernel's errno.
  public struct Failure: Error, CustomStringConvertible {
    public let cpu: Int
    public let errno: Errno

    public var description: String { "unable to set CPU affinity to CPU \(cpu): \(errno)" }
  }

  /// Pins the calling thread to `cpu`.
  ///
  /// - Throws: A ``Failure`` naming the CPU when the kernel refuses (no such CPU).
  public static func pin(to cpu: Int) throws(Failure) {
    let result = cbondperf_set_thread_cpu(CInt(clamping: cpu))
    if result == -2 { throw Failure(cpu: cpu, errno: Errno(rawValue: EINVAL)) }
    if result != 0 { throw Failure(cpu: cpu, errno: Errno.current) }
  }

  /// Lets the calling thread run on every CPU again (after a test a client pinned).
  public static func clear() {
    _ = cbondperf_clear_thread_cpu()
  }

  /// How many CPUs the calling thread may run on.
  public static var allowedCount: Int { Int(cbondperf_thread_cpu_count()) }
}
