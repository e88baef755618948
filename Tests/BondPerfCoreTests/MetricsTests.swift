import Foundation
import Glibc
import Testing

@testable import BondPerfCore

struct MetricsTests {
  static let families = [
    MetricFamily(
      name: "demo_requests", help: "Requests \\ by \"code\".\nSecond line.", kind: .counter,
      samples: [
        MetricSample([MetricLabel("code", "200")], 3),
        MetricSample([MetricLabel("code", "a\"b\\c\nd")], 1),
      ]),
    MetricFamily(
      name: "demo_duration_seconds", help: "How long.", unit: "seconds",
      samples: [MetricSample([], 1.5)]),
    MetricFamily(name: "demo_empty", help: "Nothing.", samples: []),
  ]

  /// swift-prometheus' text: families in the order given, a help text's line
  /// feed dropped (it strips control characters), samples in any order.
  @Test func prometheusTextFormat() throws {
    let text = MetricsExposition.render(Self.families, format: .prometheusText)
    #expect(
      text.hasPrefix(
        """
        # HELP demo_requests_total Requests \\\\ by "code".Second line.
        # TYPE demo_requests_total counter

        """))
    #expect(
      text.hasSuffix(
        """
        # HELP demo_duration_seconds How long.
        # TYPE demo_duration_seconds gauge
        demo_duration_seconds 1.5

        """))
    let lines = Set(text.split(separator: "\n"))
    #expect(lines.contains("demo_requests_total{code=\"200\"} 3"))
    #expect(lines.contains("demo_requests_total{code=\"a\\\"b\\\\c\\nd\"} 1"))
    #expect(!text.contains("demo_empty"))
    let series = try ExpositionChecker.check(text, format: .prometheusText)
    #expect(series.count == 3)
    #expect(series["demo_requests_total{code=\"a\"b\\c\nd\"}"] == 1)
  }

  @Test func openMetricsFormat() throws {
    let text = MetricsExposition.render(Self.families, format: .openMetrics)
    #expect(text.hasPrefix("# HELP demo_requests Requests \\\\ by \\\"code\\\".Second line.\n"))
    #expect(text.contains("# TYPE demo_requests counter\ndemo_requests_total{code="))
    #expect(text.contains("# UNIT demo_duration_seconds seconds\n"))
    #expect(text.hasSuffix("demo_duration_seconds 1.5\n# EOF\n"))
    #expect(!text.contains("demo_empty"))
    _ = try ExpositionChecker.check(text, format: .openMetrics)
  }

  /// Samples the registry would trap on are left out, not fatal.
  @Test func samplesTheRegistryRefusesAreLeftOut() throws {
    let families = [
      MetricFamily(
        name: "mixed", help: "Mixed.",
        samples: [MetricSample([MetricLabel("a", "1")], 1), MetricSample([], 2)]),
      MetricFamily(
        name: "twice", help: "A label twice.",
        samples: [MetricSample([MetricLabel("a", "1"), MetricLabel("a", "2")], 1)]),
      MetricFamily(
        name: "negative", help: "A negative counter.", kind: .counter,
        samples: [MetricSample([], -1)]),
      MetricFamily(name: "mixed", help: "The same name again.", samples: [MetricSample([], 3)]),
    ]
    let text = MetricsExposition.render(families, format: .prometheusText)
    let series = try ExpositionChecker.check(text, format: .prometheusText)
    #expect(series == ["mixed{a=\"1\"}": 1])
  }

  @Test func numbers() {
    #expect(MetricsExposition.number(3) == "3")
    #expect(MetricsExposition.number(-0.25) == "-0.25")
    #expect(MetricsExposition.number(.nan) == "NaN")
    #expect(MetricsExposition.number(.infinity) == "+Inf")
    #expect(MetricsExposition.number(-.infinity) == "-Inf")
    #expect(Double(MetricsExposition.number(1e300)) == 1e300)
  }

  @Test func negotiation() {
    #expect(MetricsFormat.negotiate(accept: nil) == .prometheusText)
    #expect(MetricsFormat.negotiate(accept: "*/*") == .prometheusText)
    #expect(
      MetricsFormat.negotiate(
        accept: "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
          + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == .openMetrics)
    #expect(
      MetricsFormat.negotiate(accept: "text/plain;q=1, application/openmetrics-text;q=0.5")
        == .prometheusText)
    #expect(MetricsFormat.negotiate(accept: "application/openmetrics-text; q=0") == .prometheusText)
  }

  @Test func names() {
    #expect(MetricFamily.isValidName("bondperf_slave_transmit_bytes"))
    #expect(MetricFamily.isValidName("a:b"))
    #expect(!MetricFamily.isValidName("a:b", allowColon: false))
    #expect(!MetricFamily.isValidName("1abc"))
    #expect(!MetricFamily.isValidName("a-b"))
    #expect(!MetricFamily.isValidName(""))
  }

  /// A client document as `-J` prints it on a 4-slave bond, 4 pinned streams,
  /// where s1 carried nothing and s3 carried two streams' worth.
  static let document: JSONValue = {
    func slave(_ index: Int, _ name: String, sockets: [Int], tx: Int64, verdict: String)
      -> JSONValue
    {
      .object([
        ("slave", .int(Int64(index))), ("name", .string(name)),
        ("predicted_streams", .array(sockets.map { .int(Int64($0 - 4)) })),
        ("predicted_sockets", .array(sockets.map { .int(Int64($0)) })),
        ("seconds", .double(10)), ("tx_bytes", .int(tx)),
        ("tx_bits_per_second", .double(Double(tx) * 8 / 10)), ("rx_bytes", .int(1000)),
        ("rx_bits_per_second", .double(800)), ("verdict", .string(verdict)),
      ])
    }
    func stream(_ socket: Int, bytes: Int64) -> JSONValue {
      .object([
        (
          "sender",
          .object([
            ("socket", .int(Int64(socket))), ("bytes", .int(bytes)),
            ("bits_per_second", .double(Double(bytes) * 0.8)), ("retransmits", .int(2)),
            ("sender", .bool(true)),
          ])
        ),
        (
          "receiver",
          .object([
            ("socket", .int(Int64(socket))), ("bytes", .int(bytes)),
            ("bits_per_second", .double(Double(bytes) * 0.8)), ("sender", .bool(true)),
          ])
        ),
      ])
    }
    let sum: JSONValue = .object([
      ("seconds", .double(10)), ("bytes", .int(400)), ("bits_per_second", .double(320)),
      ("retransmits", .int(8)), ("sender", .bool(true)),
    ])
    return .object([
      (
        "start",
        .object([
          ("version", .string("bondperf 0.1.0")),
          ("timestamp", .object([("timesecs", .int(1_764_600_000))])),
          ("test_start", .object([("num_streams", .int(4))])),
        ])
      ),
      (
        "end",
        .object([
          ("streams", .array((5...8).map { stream($0, bytes: 100) })),
          ("sum_sent", sum), ("sum_received", sum),
        ])
      ),
      (
        "bond",
        .object([
          ("mode", .string("802.3ad")), ("policy", .string("layer3+4")),
          ("slaves", .array(["s0", "s1", "s2", "s3"].map { .string($0) })),
          ("pinning", .string("pinned (stream i on slave i mod 4)")),
          (
            "streams",
            .array(
              (0..<4).map { index in
                .object([
                  ("id", .int(Int64(index + 1))), ("socket", .int(Int64(index + 5))),
                  ("sender", .bool(true)), ("predicted_slave", .int(Int64(index))),
                ])
              })
          ),
          (
            "per_slave",
            .array([
              slave(0, "s0", sockets: [5], tx: 1_000_000, verdict: "ok"),
              slave(1, "s1", sockets: [6], tx: 0, verdict: "IDLE: predicted 1 stream(s)"),
              slave(2, "s2", sockets: [7], tx: 1_000_000, verdict: "ok"),
              slave(
                3, "s3", sockets: [8], tx: 2_000_000,
                verdict: "MISPREDICTED: carried 1.9 MBytes, 2.0x the share"),
            ])
          ),
          (
            "calibration",
            .object([
              ("verdict", .string("spread")), ("probes", .int(24)), ("seconds", .double(0.5)),
            ])
          ),
          (
            "diagnosis",
            .object([
              ("slaves_used", .int(3)), ("slaves_usable", .int(4)),
              ("ceiling_bits_per_second", .double(400e6)), ("loss_bits_per_second", .null),
            ])
          ),
        ])
      ),
    ])
  }()

  @Test func testMetricsFromADocument() throws {
    let families = TestMetrics.families(document: Self.document, target: "far")
    let names = Set(families.map(\.name))
    #expect(names.isSubset(of: Set(TestMetrics.familyNames)))
    let text = MetricsExposition.render(families, format: .prometheusText)
    let series = try ExpositionChecker.check(text, format: .prometheusText)
    _ = try ExpositionChecker.check(
      MetricsExposition.render(families, format: .openMetrics), format: .openMetrics)
    #expect(series["bondperf_test_success{target=\"far\"}"] == 1)
    #expect(series["bondperf_test_streams{target=\"far\"}"] == 4)
    #expect(series["bondperf_received_bytes_per_second{target=\"far\",direction=\"upload\"}"] == 40)
    #expect(series["bondperf_retransmits{target=\"far\",direction=\"upload\"}"] == 8)
    #expect(
      series["bondperf_stream_predicted_slave{target=\"far\",stream=\"6\",slave=\"s1\"}"] == 1)
    let s3 = "target=\"far\",host=\"client\",slave=\"s3\",index=\"3\""
    let s1 = "target=\"far\",host=\"client\",slave=\"s1\",index=\"1\""
    #expect(series["bondperf_slave_transmit_bytes{\(s3)}"] == 2_000_000)
    #expect(series["bondperf_slave_transmit_bytes_per_second{\(s3)}"] == 200_000)
    #expect(series["bondperf_slave_predicted_streams{\(s3)}"] == 1)
    // 4 streams over 4 MB: one stream's share is 1 MB; s3 carried two.
    #expect(series["bondperf_slave_measured_streams{\(s3)}"] == 2)
    #expect(series["bondperf_slave_measured_streams{\(s1)}"] == 0)
    #expect(series["bondperf_slave_verdict{\(s3),verdict=\"mispredicted\"}"] == 1)
    #expect(series["bondperf_slave_verdict{\(s3),verdict=\"ok\"}"] == 0)
    #expect(series["bondperf_slave_verdict{\(s1),verdict=\"idle\"}"] == 1)
    #expect(series["bondperf_slaves_used{target=\"far\"}"] == 3)
    #expect(series["bondperf_calibration_verdict{target=\"far\",verdict=\"spread\"}"] == 1)
    #expect(series["bondperf_calibration_verdict{target=\"far\",verdict=\"skewed\"}"] == 0)
    #expect(
      TestMetrics.calibrationVerdicts.allSatisfy {
        series["bondperf_calibration_verdict{target=\"far\",verdict=\"\($0)\"}"] != nil
      })
    #expect(series["bondperf_calibration_probes{target=\"far\"}"] == 24)
    #expect(series["bondperf_calibration_seconds{target=\"far\"}"] == 0.5)
    #expect(series["bondperf_ceiling_bytes_per_second{target=\"far\"}"] == 50e6)
    #expect(series["bondperf_shortfall_bytes_per_second{target=\"far\"}"] == nil)
    #expect(
      series[
        "bondperf_test_info{target=\"far\",version=\"bondperf 0.1.0\",mode=\"802.3ad\","
          + "policy=\"layer3+4\",pinning=\"pinned\"}"] == 1)
  }

  @Test func aFailedTestHasSuccessZero() throws {
    let document: JSONValue = .object([("error", .string("unable to connect"))])
    let text = MetricsExposition.render(
      TestMetrics.families(document: document, target: "x"), format: .prometheusText)
    let series = try ExpositionChecker.check(text, format: .prometheusText)
    #expect(series["bondperf_test_success{target=\"x\"}"] == 0)
  }

  @Test func verdictStates() {
    #expect(TestMetrics.Builder.verdictStates("ok") == ["ok"])
    #expect(TestMetrics.Builder.verdictStates("-") == ["unpredicted"])
    #expect(TestMetrics.Builder.verdictStates("per-packet (balance-rr)") == ["per_packet"])
    #expect(
      TestMetrics.Builder.verdictStates("IDLE: predicted 1; UNEXPECTED: sent") == [
        "idle", "unexpected",
      ])
    #expect(TestMetrics.Builder.verdictStates("STALLED: stream 5 stopped") == ["stalled"])
  }

  @Test func atomicFileReplacesWholeAndReadable() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bondperf-atomic-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bondperf.prom").path
    let old = umask(0o077)
    defer { umask(old) }
    try AtomicFile.write("first\n", to: path)
    try AtomicFile.write("second\n", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o644, "readable by a collector running as another user")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["bondperf.prom"])
    #expect(throws: SyscallError.self) {
      try AtomicFile.write("x", to: directory.appendingPathComponent("missing/file").path)
    }
  }
}
