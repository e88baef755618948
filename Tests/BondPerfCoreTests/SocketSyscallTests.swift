import Glibc
import Testing

@testable import BondPerfCore

struct SocketSyscallTests {
  @Test func retriesWhileTheCallIsInterrupted() throws {
    var calls = 0
    let result = try retryingOnInterrupt { () -> CInt in
      calls += 1
      if calls < 3 {
        Errno.current = .interrupted
        return -1
      }
      return 42
    }
    #expect(result == 42)
    #expect(calls == 3)
  }

  @Test func throwsTheFirstErrorThatIsNotEINTR() {
    var calls = 0
    #expect(throws: Errno.connectionReset) {
      _ = try retryingOnInterrupt { () -> Int in
        calls += 1
        Errno.current = calls == 1 ? .interrupted : .connectionReset
        return -1
      }
    }
    #expect(calls == 2)
  }

  @Test func passesOtherNegativeResultsThrough() throws {
    #expect(try retryingOnInterrupt { Int64(-2) } == -2)
  }

  @Test func errnoDescriptionHasMessageAndName() {
    #expect(Errno.connectionRefused.description == "Connection refused (ECONNREFUSED)")
    #expect(Errno.interrupted.name == "EINTR")
    #expect(Errno(rawValue: 9999).description.hasSuffix("(errno 9999)"))
  }

  @Test func socketErrorDescriptionIsOneLine() throws {
    let address = SocketAddress(ip: try #require(IPAddress("198.18.0.2")), port: 5201)
    let error = SyscallError(call: "connect", errno: .connectionRefused, detail: "to \(address)")
    #expect(
      error.description == "connect to 198.18.0.2 port 5201: Connection refused (ECONNREFUSED)")
    let plain = SyscallError(call: "getaddrinfo", errno: nil, message: "Name or service not known")
    #expect(plain.description == "getaddrinfo: Name or service not known")
  }

  @Test func cpuUsageIsPlausibleAfterABusyLoop() {
    let start = CPUUsage.now()
    let clock = ContinuousClock()
    let end = clock.now + .milliseconds(300)
    var spin: UInt64 = 0
    while clock.now < end { spin &+= 1 }
    let usage = CPUUsage.now().percent(since: start)
    #expect(spin > 0)
    #expect(usage.user >= 0 && usage.system >= 0)
    #expect(abs(usage.total - usage.user - usage.system) < 1e-9)
    #expect(usage.total > 5, "a busy loop should use a visible share of a core")
    #expect(usage.total < 100 * 2 + 50)
  }

  @Test func cpuUsageComputesLikeIperf3() {
    let wall = ContinuousClock.now
    let earlier = CPUUsage(userSeconds: 1, systemSeconds: 0.5, wall: wall)
    let later = CPUUsage(userSeconds: 1.5, systemSeconds: 0.75, wall: wall + .seconds(1))
    let usage = later.percent(since: earlier)
    #expect(abs(usage.user - 50) < 1e-9)
    #expect(abs(usage.system - 25) < 1e-9)
    #expect(abs(usage.total - 75) < 1e-9)
    #expect(earlier.percent(since: earlier).total == 0)
  }
}
