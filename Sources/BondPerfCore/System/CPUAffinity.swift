import CBondPerfLinux
import Glibc

/// CPU affinity of the calling thread (iperf3's `-A n[,m]`): a test's thread pins
/// itself before it starts its stream threads, which inherit the mask.
public enum CPUAffinity {
  /// Pins the calling thread to `cpu`.
  ///
  /// - Throws: A ``PerfError`` naming the CPU when the kernel refuses (no such CPU).
  public static func pin(to cpu: Int) throws {
    let result = cbondperf_set_thread_cpu(CInt(clamping: cpu))
    if result == -2 {
      throw PerfError("unable to set CPU affinity: CPU \(cpu) is out of range")
    }
    if result != 0 {
      throw PerfError("unable to set CPU affinity to CPU \(cpu): \(Errno.current)")
    }
  }

  /// Lets the calling thread run on every CPU again (after a test a client pinned).
  public static func clear() {
    _ = cbondperf_clear_thread_cpu()
  }

  /// How many CPUs the calling thread may run on.
  public static var allowedCount: Int { Int(cbondperf_thread_cpu_count()) }
}
