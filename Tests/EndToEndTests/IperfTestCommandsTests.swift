import Foundation
import Testing

/// One line of iperf3's own `test_commands.sh` (esnet/iperf 3.21), adapted to loopback:
/// `-t 5` is `-t 1` to keep CI short, `-A 2/2` is `-A 1/1` on a 2-CPU machine, `-6`
/// lines connect to `::1`, and `-b1G` is `-b100M`: a UDP `-R -n`/`-k` test ends only
/// when the receiver has every datagram, and at 1 Gbit/s a busy 2-core machine drops
/// some on loopback (iperf3 against iperf3 waits forever then too).
struct IperfCommandLine: Sendable, CustomTestStringConvertible {
  var flags: [String]
  /// Why the line is not run here, or nil.
  var skip: String?
  /// The error text both sides must give instead of running the test, or nil.
  var refusal: String?

  var host: String { flags.contains("-6") ? "::1" : "127.0.0.1" }
  var testDescription: String { flags.joined(separator: " ") }

  static let all: [IperfCommandLine] = [
    .init(flags: ["-V", "-t", "1", "-T", "test1"]),
    .init(flags: ["-u", "-V", "-t", "1"]),
    .init(flags: ["-i", ".3", "-O", "2", "-t", "1"]),
    .init(flags: ["-i", "1", "-J", "-t", "1"]),
    .init(flags: ["-4", "-t", "1"]),
    .init(flags: ["-4", "-u", "-t", "1"]),
    .init(flags: ["-6", "-t", "1"]),
    .init(flags: ["-6", "-u", "-t", "1"]),
    .init(flags: ["-V", "-t", "1", "--fq-rate", "5m"]),
    .init(flags: ["-u", "-V", "-t", "1", "--fq-rate", "5m"]),
    .init(flags: ["--sctp", "-V", "-t", "1"], refusal: "SCTP"),
    .init(flags: ["-P", "3", "-t", "1"]),
    .init(flags: ["-u", "-P", "3", "-t", "1"]),
    .init(flags: ["-P", "2", "-t", "1", "-R"]),
    .init(flags: ["-u", "-P", "2", "-t", "1", "-R"]),
    .init(flags: ["-P", "2", "-t", "1", "--bidir"]),
    .init(flags: ["-u", "-P", "2", "-t", "1", "--bidir"]),
    .init(flags: ["-Z", "-t", "1"]),
    .init(flags: ["-Z", "-t", "1", "-R"]),
    .init(flags: ["-t", "1", "-w", "8M"]),
    .init(flags: ["-n", "5M"]),
    .init(flags: ["-n", "5M", "-u", "-b100M"]),
    .init(flags: ["-n", "5M", "-R"]),
    .init(flags: ["-n", "5M", "-u", "-b100M", "-R"]),
    .init(flags: ["-n", "5M", "-t", "1"], refusal: "end condition"),
    .init(flags: ["-k", "1K"]),
    .init(flags: ["-k", "1K", "-u", "-b100M"]),
    .init(flags: ["-k", "1K", "-R"]),
    .init(flags: ["-k", "1K", "-u", "-b100M", "-R"]),
    .init(flags: ["-A", "1/1", "-t", "1"]),
    .init(flags: ["-A", "1/1", "-u", "-b100M", "-t", "1"]),
    .init(flags: ["-u", "-b100M/100", "-t", "1"]),
    .init(flags: ["-C", "reno", "-V", "-t", "1"]),
    .init(flags: ["-M", "1000", "-V", "-t", "1"]),
  ]
}

extension EndToEnd {
  /// iperf3's own `test_commands.sh`, line by line, with bondperf (as `iperf3`) as the
  /// client against an iperf3 3.12 server, and iperf3 3.12 as the client against a
  /// bondperf server.
  @Suite(.serialized)
  struct IperfTestCommandsTests {
    @Test(.timeLimit(.minutes(1)), arguments: IperfCommandLine.all)
    func bondperfClientAgainstIperf3(_ line: IperfCommandLine) async throws {
      if let skip = line.skip {
        print("bondperf test_commands.sh: \(skip): \(line.testDescription)")
        return
      }
      let (server, port) = try await e2eStartServer(.iperf3)
      defer { server.kill() }
      let run = try await DropIn.run(
        try DropIn.iperf3Link(), ["-c", line.host, "-p", "\(port)"] + line.flags)
      check(run, line, client: "bondperf")
    }

    @Test(.timeLimit(.minutes(1)), arguments: IperfCommandLine.all)
    func iperf3ClientAgainstBondperf(_ line: IperfCommandLine) async throws {
      if let skip = line.skip {
        print("bondperf test_commands.sh: \(skip): \(line.testDescription)")
        return
      }
      let (server, port) = try await e2eStartServer(.bondperf)
      defer { server.kill() }
      let run = try await DropIn.run(
        try E2EBinaries.iperf3(), ["-c", line.host, "-p", "\(port)"] + line.flags)
      check(run, line, client: "iperf3")
      // Whatever the line did, the server still serves.
      let after = try await DropIn.run(
        try E2EBinaries.iperf3(), ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"])
      #expect(after.status == 0, "server after \(line.testDescription): \(after.output)")
    }

    private func check(
      _ run: (status: Int32, output: String, errorOutput: String), _ line: IperfCommandLine,
      client: String
    ) {
      let all = run.output + run.errorOutput
      if let refusal = line.refusal {
        #expect(run.status != 0, "\(client) \(line.testDescription) should fail:\n\(all)")
        #expect(all.contains(refusal), "\(client) \(line.testDescription):\n\(all)")
        return
      }
      #expect(run.status == 0, "\(client) \(line.testDescription):\n\(all)")
      if line.flags.contains("-J") {
        #expect((try? E2EDocument(run.output, from: client)) != nil, "-J output:\n\(all)")
      } else {
        #expect(all.contains("sender") && all.contains("receiver"), "\(all)")
      }
      if line.flags.contains("-T") && client == "bondperf" {
        let lines = run.output.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.allSatisfy { $0.hasPrefix("test1:  ") }, "-T prefixes every line:\n\(all)")
      }
    }
  }
}
