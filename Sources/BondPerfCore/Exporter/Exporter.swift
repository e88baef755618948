import Dispatch
import Foundation
import Synchronization

/// The Prometheus exporter's request handling, in the multi-target pattern of
/// the blackbox exporter: `/probe?target=HOST` runs one short test against the
/// target and answers with its metrics (``TestMetrics``) plus
/// `bondperf_probe_success` and `bondperf_probe_duration_seconds`; `/metrics`
/// answers with the exporter's own.
///
/// A probe that fails answers 200 with `bondperf_probe_success 0` and
/// `bondperf_probe_failure{reason="..."} 1`, never a hang: the runner is given
/// a deadline. At most ``Configuration/maxProbes`` run at once (tests on one
/// bond disturb each other's counters); more are refused with 503 at once.
public final class Exporter: Sendable {
  public struct Configuration: Sendable {
    /// Probes run at once; more are refused (503).
    public var maxProbes = 1
    /// A probe's test length when `time` isn't given.
    public var defaultSeconds = 5
    /// The longest `time` a probe may ask for.
    public var maxSeconds = 30
    /// The most streams a probe may ask for.
    public var maxParallel = TestBounds.streams.upperBound
    /// Added to a test's length for connecting and the results exchange: the
    /// runner is told to give up after `time` plus this.
    public var overhead: Duration = .seconds(10)
    /// Added for a probe with `calibrate=1`: the calibration's budget (`--calibrate-budget`).
    public var calibrationBudget: Duration = .seconds(3)

    public init() {}
  }

  /// Runs one test; it must return by `deadline`.
  public typealias Runner =
    @Sendable (ProbeRequest, _ deadline: ContinuousClock.Instant) async -> ProbeOutcome

  /// The sample names `/probe` adds to ``TestMetrics/familyNames`` and `/metrics`
  /// gives (counters with their `_total`), for the dashboard's test.
  public static let sampleNames = [
    "bondperf_probe_success", "bondperf_probe_duration_seconds", "bondperf_probe_failure",
    "bondperf_exporter_probes_total", "bondperf_exporter_requests_total",
    "bondperf_exporter_probes_in_flight", "bondperf_exporter_max_probes",
    "bondperf_exporter_start_time_seconds", "bondperf_exporter_version",
  ]

  let configuration: Configuration
  let runner: Runner
  let statistics = Statistics()
  private let inFlight = Atomic<Int>(0)
  let startTime = Date().timeIntervalSince1970

  public init(configuration: Configuration = Configuration(), runner: @escaping Runner) {
    self.configuration = configuration
    self.runner = runner
  }

  /// Answers one request (on the connection's thread; a probe blocks it).
  public func handle(_ request: HTTPRequest) -> HTTPResponse {
    let response = route(request)
    statistics.count(status: response.status)
    return response
  }

  func route(_ request: HTTPRequest) -> HTTPResponse {
    let known = ["/", "/probe", "/metrics"]
    guard known.contains(request.path) else {
      return HTTPResponse(
        HTTPError(404, "no page \(request.path) (try /probe?target=HOST or /metrics)"))
    }
    guard request.method == "GET" || request.method == "HEAD" else {
      return HTTPResponse(
        HTTPError(405, "method \(request.method) is not allowed (GET or HEAD)"),
        headers: [HTTPRequest.QueryItem("Allow", "GET, HEAD")])
    }
    let format = MetricsFormat.negotiate(accept: request.header("accept"))
    switch request.path {
    case "/probe": return probe(request, format: format)
    case "/metrics":
      return HTTPResponse(
        contentType: format.contentType,
        body: MetricsExposition.render(ownMetrics(), format: format))
    default:
      return HTTPResponse(
        body: """
          bondperf exporter \(BondPerfVersion.string)
          /probe?target=HOST[&port=5201&parallel=N&time=S&reverse=1&calibrate=1]  one test's metrics
          /metrics  the exporter's own metrics

          """)
    }
  }

  func probe(_ request: HTTPRequest, format: MetricsFormat) -> HTTPResponse {
    let probe: ProbeRequest
    do {
      probe = try ProbeRequest(
        query: request.query, defaultSeconds: configuration.defaultSeconds,
        maxSeconds: configuration.maxSeconds, maxParallel: configuration.maxParallel)
    } catch {
      statistics.count(probe: "invalid")
      return HTTPResponse(error)
    }
    guard inFlight.add(1, ordering: .relaxed).newValue <= configuration.maxProbes else {
      inFlight.subtract(1, ordering: .relaxed)
      statistics.count(probe: "refused")
      return HTTPResponse(
        HTTPError(
          503,
          "busy: \(configuration.maxProbes) probe(s) already running (--max-probes); "
            + "tests on one bond would disturb each other's counters"))
    }
    defer { inFlight.subtract(1, ordering: .relaxed) }
    let started = ContinuousClock.now
    var outcome: ProbeOutcome
    let budget =
      Duration.seconds(probe.seconds) + configuration.overhead
      + (probe.calibrate ? configuration.calibrationBudget : .zero)
    if let text = request.header("x-prometheus-scrape-timeout-seconds"),
      let timeout = Double(text), Double(probe.seconds) + 1 > timeout
    {
      outcome = .failed(
        "time=\(probe.seconds) s does not fit Prometheus' scrape timeout of \(text) s; "
          + "lower time or raise scrape_timeout")
    } else {
      outcome = Self.wait(for: runner, probe, deadline: started + budget)
    }
    let elapsed = started.duration(to: .now).inSeconds
    var families: [MetricFamily] = []
    var failure: String?
    switch outcome {
    case .document(let document):
      families = TestMetrics.families(document: document, target: probe.target)
      failure = document["error"]?.stringValue
    case .failed(let reason):
      failure = reason
    }
    statistics.count(probe: failure == nil ? "success" : "failure")
    var own = [
      MetricFamily(
        name: "bondperf_probe_success", help: "Whether the probe's test gave a result.",
        samples: [MetricSample([], failure == nil ? 1 : 0)]),
      MetricFamily(
        name: "bondperf_probe_duration_seconds", help: "How long the probe took.",
        unit: "seconds", samples: [MetricSample([], elapsed)]),
    ]
    if let failure {
      own.append(
        MetricFamily(
          name: "bondperf_probe_failure", help: "Why the probe failed (1, reason in the label).",
          samples: [MetricSample([MetricLabel("reason", failure)], 1)]))
    }
    return HTTPResponse(
      contentType: format.contentType,
      body: MetricsExposition.render(own + families, format: format))
  }

  /// Runs `runner` from this (non-pool) thread and waits for it.
  static func wait(
    for runner: @escaping Runner, _ probe: ProbeRequest, deadline: ContinuousClock.Instant
  ) -> ProbeOutcome {
    let result = Mutex<ProbeOutcome?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
      let outcome = await runner(probe, deadline)
      result.withLock { $0 = outcome }
      done.signal()
    }
    // The runner's own deadline ends the test; this is the backstop.
    let backstop =
      DispatchTime.now()
      + .nanoseconds(
        Int(max(0, ContinuousClock.now.duration(to: deadline).inSeconds) * 1e9) + 5_000_000_000)
    guard done.wait(timeout: backstop) == .success else {
      return .failed("the test did not end by its deadline")
    }
    return result.withLock { $0 } ?? .failed("the test ended without a result")
  }

  /// The exporter's own metrics.
  func ownMetrics() -> [MetricFamily] {
    let snapshot = statistics.snapshot()
    return [
      MetricFamily(
        name: "bondperf_exporter_probes", help: "Probes by result.", kind: .counter,
        samples: ["success", "failure", "refused", "invalid"].map {
          MetricSample([MetricLabel("result", $0)], Double(snapshot.probes[$0] ?? 0))
        }),
      MetricFamily(
        name: "bondperf_exporter_requests", help: "HTTP requests by status code.",
        kind: .counter,
        samples: snapshot.statuses.keys.sorted().map {
          MetricSample([MetricLabel("code", String($0))], Double(snapshot.statuses[$0] ?? 0))
        }),
      MetricFamily(
        name: "bondperf_exporter_probes_in_flight", help: "Probes running now.",
        samples: [MetricSample([], Double(inFlight.load(ordering: .relaxed)))]),
      MetricFamily(
        name: "bondperf_exporter_max_probes", help: "Probes allowed at once (--max-probes).",
        samples: [MetricSample([], Double(configuration.maxProbes))]),
      MetricFamily(
        name: "bondperf_exporter_start_time_seconds",
        help: "When the exporter started (Unix time).", unit: "seconds",
        samples: [MetricSample([], startTime.rounded())]),
      MetricFamily(
        name: "bondperf_exporter_version", help: "The exporter's version (1).",
        samples: [MetricSample([MetricLabel("version", BondPerfVersion.string)], 1)]),
    ]
  }

  /// Counts of requests and probes.
  final class Statistics: Sendable {
    struct Snapshot {
      var statuses: [Int: Int] = [:]
      var probes: [String: Int] = [:]
    }

    private let counts = Mutex(Snapshot())

    func count(status: Int) { counts.withLock { $0.statuses[status, default: 0] += 1 } }
    func count(probe result: String) { counts.withLock { $0.probes[result, default: 0] += 1 } }
    func snapshot() -> Snapshot { counts.withLock { $0 } }
  }
}
