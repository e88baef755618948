import ArgumentParser
import BondPerfCore
import Testing

@testable import bondperf

struct PlanAndHashCommandTests {
  @Test func parsesAPlan() throws {
    let plan = try Bondperf.Plan.parse([
      "--policy", "layer3+4", "--slaves", "4", "--local", "198.18.0.1", "--remote", "198.18.0.2",
      "-P", "8", "--peer-slaves", "4", "--port-range", "50000-50999", "--kernel", "5.10",
    ])
    #expect(plan.policy == .layer3_4)
    #expect(plan.parallel == 8)
    #expect(plan.portRange == PortRange(lower: 50000, upper: 50999))
    #expect(plan.kernel == KernelVersion(major: 5, minor: 10))
  }

  @Test(arguments: [
    (["--policy", "layer9"], "layer9"),
    (["--slaves", "0"], "--slaves must be 1 or more"),
    (["--remote", "198.18.0.x"], "198.18.0.x"),
    (["-P", "129"], "-P must be between 1 and 128"),
    (["--port-range", "61000-61001", "-P", "4"], "holds 2 ports"),
    (["--remote", "2001:2::2"], "must both be IPv4 or both IPv6"),
    (["--kernel", "six"], "six"),
  ])
  func rejectsBadInputWithAClearMessage(change: [String], fragment: String) throws {
    var arguments = [
      "--policy", "layer3+4", "--slaves", "4", "--local", "198.18.0.1", "--remote", "198.18.0.2",
    ]
    for pair in stride(from: 0, to: change.count, by: 2) {
      if let index = arguments.firstIndex(of: change[pair]) {
        arguments[index + 1] = change[pair + 1]
      } else {
        arguments += [change[pair], change[pair + 1]]
      }
    }
    do {
      _ = try Bondperf.Plan.parse(arguments)
      Issue.record("expected a parse error for \(change)")
    } catch {
      let message = Bondperf.Plan.message(for: error)
      #expect(message.contains(fragment), "\(message)")
    }
  }

  @Test func unplannableRangeIsReportedAtRunTime() throws {
    let plan = try Bondperf.Plan.parse([
      "--policy", "layer3+4", "--slaves", "4", "--local", "198.18.0.1", "--remote", "198.18.0.2",
      "-P", "4", "--port-range", "61000-61003", "--kernel", "6.1",
    ])
    #expect(throws: ValidationErrorText.self) { try plan.run() }
  }

  @Test func flowLinesAnswerOrNameTheBadField() throws {
    let kernel = KernelVersion(major: 6, minor: 1)
    let good = try FlowLine(
      parsing: "layer3+4 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 40000 5201",
      kernel: kernel)
    #expect(good.answer == "1")
    let rr = try FlowLine(
      parsing: "balance-rr 2 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 1 2",
      kernel: kernel)
    #expect(rr.answer.hasPrefix("unpredictable: balance-rr"))
    let cases: [(String, String)] = [
      (
        "layer3+4 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 40000",
        "expected 9 fields"
      ),
      (
        "layer5 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 40000 5201",
        "field POLICY"
      ),
      (
        "layer3+4 0 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 40000 5201",
        "field NSLAVES"
      ),
      (
        "layer3+4 4 02:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 40000 5201",
        "field SRCMAC"
      ),
      (
        "layer3+4 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 2001::2 tcp 40000 5201",
        "field DSTIP"
      ),
      (
        "layer3+4 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 xtp 40000 5201",
        "field PROTO"
      ),
      (
        "layer3+4 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 70000 5201",
        "field SPORT"
      ),
    ]
    for (line, fragment) in cases {
      do {
        _ = try FlowLine(parsing: Substring(line), kernel: kernel)
        Issue.record("expected an error for \(line)")
      } catch {
        #expect(error.description.contains(fragment), "\(error.description)")
      }
    }
  }
}

struct IperfSpellingTests {
  @Test func rewritesServerAndClientFlags() throws {
    #expect(try IperfSpelling.rewrite(["-s", "-p", "5202"]) == ["server", "-p", "5202"])
    #expect(
      try IperfSpelling.rewrite(["-p", "5202", "-c", "host", "-P", "4"]) == [
        "client", "host", "-p", "5202", "-P", "4",
      ])
    #expect(try IperfSpelling.rewrite(["--client=host"]) == ["client", "host"])
    #expect(try IperfSpelling.rewrite(["compare", "-c", "host"]) == ["compare", "-c", "host"])
    #expect(
      try IperfSpelling.rewrite(["plan", "--policy", "layer2"]) == ["plan", "--policy", "layer2"])
    #expect(throws: (any Error).self) { try IperfSpelling.rewrite(["-s", "-c", "host"]) }
    #expect(throws: (any Error).self) { try IperfSpelling.rewrite(["-c"]) }
  }
}
