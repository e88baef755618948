/// A client test's metrics, from its `-J` document: what `--prometheus FILE`
/// writes and what the exporter's `/probe` returns.
///
/// Every sample carries `target` (the server as the client named it), so files
/// for several servers can sit side by side in node_exporter's textfile
/// directory. Directions are the client's view: `upload` is data the client
/// sends, `download` what it receives (`-R`, and `--bidir`'s reverse half).
/// Per-slave series carry `host` (`client`: this host's counters, `server`: a
/// bondperf server's, from the results exchange), `slave` (the name) and
/// `index`; per-stream series carry `stream`, the `[ NN]` socket tag.
public enum TestMetrics {
  /// Verdict states, one sample each per slave (1 where it applies): the
  /// stateset pattern, so a dashboard can count `verdict="idle"` slaves.
  public static let verdictStates = [
    "ok", "idle", "unexpected", "mispredicted", "stalled", "per_packet", "unpredicted",
  ]

  /// Every family name these metrics may have (for the dashboard's test).
  public static let familyNames: [String] = [
    "bondperf_test_success", "bondperf_test_start_time_seconds",
    "bondperf_test_duration_seconds", "bondperf_test_streams", "bondperf_test_info",
    "bondperf_sent_bytes", "bondperf_received_bytes", "bondperf_received_bytes_per_second",
    "bondperf_retransmits", "bondperf_stream_received_bytes",
    "bondperf_stream_received_bytes_per_second", "bondperf_stream_retransmits",
    "bondperf_stream_predicted_slave", "bondperf_slave_transmit_bytes",
    "bondperf_slave_receive_bytes", "bondperf_slave_transmit_bytes_per_second",
    "bondperf_slave_receive_bytes_per_second", "bondperf_slave_predicted_streams",
    "bondperf_slave_measured_streams", "bondperf_slave_verdict", "bondperf_slaves_used",
    "bondperf_slaves_usable", "bondperf_ceiling_bytes_per_second",
    "bondperf_shortfall_bytes_per_second", "bondperf_calibration_verdict",
    "bondperf_calibration_probes", "bondperf_calibration_seconds",
  ]

  /// `--calibrate`'s verdicts, one sample each (1 for the test's): a stateset.
  public static let calibrationVerdicts = SwitchCalibration.Verdict.allCases.map(\.rawValue)

  /// The families for one test's document.
  public static func families(document: JSONValue, target: String) -> [MetricFamily] {
    var builder = Builder(target: target)
    builder.test(document)
    builder.totals(document["end"])
    builder.streams(document)
    if let bond = document["bond"] { builder.bond(bond) }
    return builder.families
  }

  /// Collects samples per family, in the order families are first used.
  struct Builder {
    let target: String
    private(set) var families: [MetricFamily] = []
    private var index: [String: Int] = [:]

    init(target: String) { self.target = target }

    mutating func add(
      _ name: String, _ help: String, unit: String? = nil, _ labels: [MetricLabel] = [],
      _ value: Double
    ) {
      let sample = MetricSample([MetricLabel("target", target)] + labels, value)
      if let position = index[name] {
        families[position].samples.append(sample)
      } else {
        index[name] = families.count
        families.append(MetricFamily(name: name, help: help, unit: unit, samples: [sample]))
      }
    }

    mutating func add(_ name: String, _ help: String, unit: String? = nil, _ value: Double) {
      add(name, help, unit: unit, [], value)
    }

    mutating func test(_ document: JSONValue) {
      let failed = document["error"] != nil
      add(
        "bondperf_test_success", "Whether the test ended with a result (1) or an error (0).",
        failed ? 0 : 1)
      let start = document["start"]
      if let seconds = start?["timestamp"]?["timesecs"]?.doubleValue {
        add(
          "bondperf_test_start_time_seconds", "When the test started (Unix time).",
          unit: "seconds", seconds)
      }
      if let streams = start?["test_start"]?["num_streams"]?.doubleValue {
        add("bondperf_test_streams", "Parallel streams the test asked for (-P).", streams)
      }
      let bond = document["bond"]
      add(
        "bondperf_test_info",
        "The test's bond and pinning (1); pinning is pinned, kernel, consecutive or none.",
        [
          MetricLabel("version", start?["version"]?.stringValue ?? "unknown"),
          MetricLabel("mode", bond?["mode"]?.stringValue ?? "none"),
          MetricLabel("policy", bond?["policy"]?.stringValue ?? "none"),
          MetricLabel("pinning", pinning(bond?["pinning"]?.stringValue)),
        ], 1)
    }

    static func direction(localSends: Bool?) -> String {
      localSends == false ? "download" : "upload"
    }

    mutating func totals(_ end: JSONValue?) {
      guard let end else { return }
      var duration: Double?
      for suffix in ["", "_bidir_reverse"] {
        guard let sent = end["sum_sent" + suffix], let received = end["sum_received" + suffix]
        else { continue }
        let labels = [
          MetricLabel("direction", Self.direction(localSends: sent["sender"]?.boolValue))
        ]
        duration = max(duration ?? 0, received["seconds"]?.doubleValue ?? 0)
        add(
          "bondperf_sent_bytes", "Bytes the sender sent.", unit: "bytes", labels,
          sent["bytes"]?.doubleValue ?? 0)
        add(
          "bondperf_received_bytes", "Bytes the receiver received.", unit: "bytes", labels,
          received["bytes"]?.doubleValue ?? 0)
        add(
          "bondperf_received_bytes_per_second", "Throughput at the receiver.", labels,
          (received["bits_per_second"]?.doubleValue ?? 0) / 8)
        if let retransmits = sent["retransmits"]?.doubleValue {
          add("bondperf_retransmits", "TCP retransmits of the sender.", labels, retransmits)
        }
      }
      if let duration {
        add(
          "bondperf_test_duration_seconds", "How long the test measured.", unit: "seconds",
          duration)
      }
    }

    mutating func streams(_ document: JSONValue) {
      for stream in document["end"]?["streams"]?.arrayValue ?? [] {
        guard let sender = stream["sender"], let receiver = stream["receiver"],
          let socket = sender["socket"]?.intValue
        else { continue }
        let labels = [
          MetricLabel("stream", String(socket)),
          MetricLabel("direction", Self.direction(localSends: sender["sender"]?.boolValue)),
        ]
        add(
          "bondperf_stream_received_bytes", "Bytes the stream's receiver received.",
          unit: "bytes", labels, receiver["bytes"]?.doubleValue ?? 0)
        add(
          "bondperf_stream_received_bytes_per_second", "The stream's throughput at the receiver.",
          labels, (receiver["bits_per_second"]?.doubleValue ?? 0) / 8)
        if let retransmits = sender["retransmits"]?.doubleValue {
          add(
            "bondperf_stream_retransmits", "TCP retransmits of the stream's sender.", labels,
            retransmits)
        }
      }
    }

    mutating func bond(_ bond: JSONValue) {
      let names = bond["slaves"]?.arrayValue?.compactMap(\.stringValue) ?? []
      let streams = bond["streams"]?.arrayValue ?? []
      for stream in streams {
        guard let socket = stream["socket"]?.intValue,
          let slave = stream["predicted_slave"]?.intValue
        else { continue }
        let name = Int(slave) < names.count ? names[Int(slave)] : "slave\(slave)"
        add(
          "bondperf_stream_predicted_slave",
          "The slave index the stream was predicted to leave on; slave is its name.",
          [MetricLabel("stream", String(socket)), MetricLabel("slave", name)], Double(slave))
      }
      // Streams whose data leaves the client (on its tx counters, the server's rx).
      let uploads = streams.filter { $0["sender"]?.boolValue == true }.count
      let downloads = streams.count - uploads
      if let rows = bond["per_slave"]?.arrayValue {
        slaves(rows, host: "client", txStreams: uploads, rxStreams: downloads)
      }
      if let rows = bond["peer_per_slave"]?.arrayValue {
        slaves(rows, host: "server", txStreams: downloads, rxStreams: uploads)
      }
      if let calibration = bond["calibration"] { self.calibration(calibration) }
      if let diagnosis = bond["diagnosis"] {
        if let used = diagnosis["slaves_used"]?.doubleValue {
          add("bondperf_slaves_used", "Usable slaves that carried the test's data.", used)
        }
        if let usable = diagnosis["slaves_usable"]?.doubleValue {
          add("bondperf_slaves_usable", "The bond's usable slaves.", usable)
        }
        if let ceiling = diagnosis["ceiling_bits_per_second"]?.doubleValue {
          add(
            "bondperf_ceiling_bytes_per_second", "What the usable slaves can carry together.",
            ceiling / 8)
        }
        if let loss = diagnosis["loss_bits_per_second"]?.doubleValue {
          add(
            "bondperf_shortfall_bytes_per_second", "How far the result fell below the ceiling.",
            loss / 8)
        }
      }
    }

    /// `--calibrate`'s outcome: its verdict as a stateset, its probes and time.
    mutating func calibration(_ calibration: JSONValue) {
      let verdict = calibration["verdict"]?.stringValue ?? "unavailable"
      for state in TestMetrics.calibrationVerdicts {
        add(
          "bondperf_calibration_verdict",
          "--calibrate's verdict: 1 for the state that applies (spread, l3_only, ...).",
          [MetricLabel("verdict", state)], state == verdict ? 1 : 0)
      }
      if let probes = calibration["probes"]?.doubleValue {
        add("bondperf_calibration_probes", "Calibration probes sent before the test.", probes)
      }
      if let seconds = calibration["seconds"]?.doubleValue {
        add(
          "bondperf_calibration_seconds", "How long calibration took before the test.",
          unit: "seconds", seconds)
      }
    }

    /// One host's per-slave rows. Measured streams: the slave's bytes in each
    /// direction divided by one stream's average share of that direction, so a
    /// slave that carried two streams' worth reads 2 beside its predicted 2.
    mutating func slaves(_ rows: [JSONValue], host: String, txStreams: Int, rxStreams: Int) {
      let txTotal = rows.reduce(0.0) { $0 + ($1["tx_bytes"]?.doubleValue ?? 0) }
      let rxTotal = rows.reduce(0.0) { $0 + ($1["rx_bytes"]?.doubleValue ?? 0) }
      for row in rows {
        let index = row["slave"]?.intValue ?? 0
        let labels = [
          MetricLabel("host", host),
          MetricLabel("slave", row["name"]?.stringValue ?? "slave\(index)"),
          MetricLabel("index", String(index)),
        ]
        let tx = row["tx_bytes"]?.doubleValue ?? 0
        let rx = row["rx_bytes"]?.doubleValue ?? 0
        add(
          "bondperf_slave_transmit_bytes", "Bytes the slave sent during the test.",
          unit: "bytes", labels, tx)
        add(
          "bondperf_slave_receive_bytes", "Bytes the slave received during the test.",
          unit: "bytes", labels, rx)
        add(
          "bondperf_slave_transmit_bytes_per_second", "The slave's send rate during the test.",
          labels, (row["tx_bits_per_second"]?.doubleValue ?? 0) / 8)
        add(
          "bondperf_slave_receive_bytes_per_second", "The slave's receive rate during the test.",
          labels, (row["rx_bits_per_second"]?.doubleValue ?? 0) / 8)
        let predicted = row["predicted_sockets"]?.arrayValue?.count ?? 0
        add(
          "bondperf_slave_predicted_streams", "Streams predicted to cross the slave.", labels,
          Double(predicted))
        var measured = 0.0
        if txStreams > 0 && txTotal > 0 { measured += tx / (txTotal / Double(txStreams)) }
        if rxStreams > 0 && rxTotal > 0 { measured += rx / (rxTotal / Double(rxStreams)) }
        add(
          "bondperf_slave_measured_streams",
          "Streams' worth of data the slave's counters show (its bytes over one stream's share).",
          labels, measured)
        let states = Self.verdictStates(row["verdict"]?.stringValue ?? "-")
        for state in TestMetrics.verdictStates {
          add(
            "bondperf_slave_verdict",
            "The slave's verdict: 1 for each state that applies (ok, idle, unexpected, ...).",
            labels + [MetricLabel("verdict", state)], states.contains(state) ? 1 : 0)
        }
      }
    }

    /// The states a per-slave verdict text names.
    static func verdictStates(_ verdict: String) -> Set<String> {
      if verdict == "ok" { return ["ok"] }
      if verdict == "-" { return ["unpredicted"] }
      var states: Set<String> = []
      if verdict.hasPrefix("per-packet") { states.insert("per_packet") }
      for (word, state) in [
        ("IDLE", "idle"), ("UNEXPECTED", "unexpected"), ("MISPREDICTED", "mispredicted"),
        ("STALLED", "stalled"),
      ] where verdict.contains(word) {
        states.insert(state)
      }
      return states
    }

    func pinning(_ summary: String?) -> String {
      guard let summary else { return "none" }
      if summary.hasPrefix("pinned") { return "pinned" }
      if summary.hasPrefix("kernel") { return "kernel" }
      if summary.hasPrefix("consecutive") { return "consecutive" }
      return "none"
    }
  }
}
